package dev.cortado.tensor.cpu;

import static dev.cortado.tensor.cpu.Simd.FLOAT;

import dev.cortado.tensor.DType;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.BinaryOp;
import dev.cortado.tensor.backend.CompareOp;
import dev.cortado.tensor.backend.UnaryOp;
import dev.cortado.tensor.reference.ReferenceBackend;
import dev.cortado.tensor.reference.ScalarMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Elementwise kernels: {@link StridedLoop} reduces every op to 1-D rows, and each row takes a vector loop
 * when its operands have stride 1 (or 0 for a broadcast scalar), else a scalar loop.
 */
final class CpuElementwise {
    private CpuElementwise() {
    }

    static void copy(Parallel parallel, Tensor src, Tensor dst) {
        if (src.dtype() != dst.dtype()) {
            // Dtype conversions are rare (index/mask bookkeeping); the reference loop defines them.
            ReferenceBackend.INSTANCE.copy(src, dst);
            return;
        }
        StridedLoop.run(parallel, (n, offsets, strides) -> {
            int from = offsets[1];
            int to = offsets[0];
            if (strides[0] == 1 && strides[1] == 1) {
                System.arraycopy(array(src), from, array(dst), to, n);
                return;
            }
            switch (dst.dtype()) {
                case FLOAT32 -> {
                    float[] s = src.floatData();
                    float[] d = dst.floatData();
                    for (int i = 0; i < n; i++) {
                        d[to + i * strides[0]] = s[from + i * strides[1]];
                    }
                }
                case INT64 -> {
                    long[] s = src.longData();
                    long[] d = dst.longData();
                    for (int i = 0; i < n; i++) {
                        d[to + i * strides[0]] = s[from + i * strides[1]];
                    }
                }
                case BOOL -> {
                    boolean[] s = src.booleanData();
                    boolean[] d = dst.booleanData();
                    for (int i = 0; i < n; i++) {
                        d[to + i * strides[0]] = s[from + i * strides[1]];
                    }
                }
            }
        }, dst, src);
    }

    private static Object array(Tensor t) {
        return switch (t.dtype()) {
            case FLOAT32 -> t.floatData();
            case INT64 -> t.longData();
            case BOOL -> t.booleanData();
        };
    }

    static void unary(Parallel parallel, UnaryOp op, Tensor x, Tensor out) {
        float[] src = x.floatData();
        float[] dst = out.floatData();
        VectorMath.ForwardLoop vectorLoop = VectorMath.vectorizes(op) ? VectorMath.forward(op) : null;
        StridedLoop.run(parallel, (n, offsets, strides) -> {
            int to = offsets[0];
            int from = offsets[1];
            int i = 0;
            if (strides[0] == 1 && strides[1] == 1 && vectorLoop != null) {
                i = FLOAT.loopBound(n);
                vectorLoop.run(src, from, dst, to, i);
            }
            for (; i < n; i++) {
                dst[to + i * strides[0]] = ScalarMath.unary(op, src[from + i * strides[1]]);
            }
        }, out, x);
    }

    static void unaryBackward(Parallel parallel, UnaryOp op, Tensor x, Tensor gradOut, Tensor gradIn) {
        float[] src = x.floatData();
        float[] g = gradOut.floatData();
        float[] dst = gradIn.floatData();
        VectorMath.BackwardLoop vectorLoop = VectorMath.vectorizes(op) ? VectorMath.backward(op) : null;
        StridedLoop.run(parallel, (n, offsets, strides) -> {
            int to = offsets[0];
            int from = offsets[1];
            int ig = offsets[2];
            int i = 0;
            if (strides[0] == 1 && strides[1] == 1 && strides[2] == 1 && vectorLoop != null) {
                i = FLOAT.loopBound(n);
                vectorLoop.run(src, from, g, ig, dst, to, i);
            }
            for (; i < n; i++) {
                dst[to + i * strides[0]] = (float) (g[ig + i * strides[2]]
                        * ScalarMath.derivative(op, src[from + i * strides[1]]));
            }
        }, gradIn, x, gradOut);
    }

    static void clamp(Parallel parallel, Tensor x, float min, float max, Tensor out) {
        float[] src = x.floatData();
        float[] dst = out.floatData();
        StridedLoop.run(parallel, (n, offsets, strides) -> {
            int to = offsets[0];
            int from = offsets[1];
            int i = 0;
            if (strides[0] == 1 && strides[1] == 1) {
                for (int bound = FLOAT.loopBound(n); i < bound; i += FLOAT.length()) {
                    FloatVector.fromArray(FLOAT, src, from + i).max(min).min(max).intoArray(dst, to + i);
                }
            }
            for (; i < n; i++) {
                dst[to + i * strides[0]] = ScalarMath.clamp(src[from + i * strides[1]], min, max);
            }
        }, out, x);
    }

    static void binary(Parallel parallel, BinaryOp op, Tensor a, Tensor b, Tensor out) {
        float[] av = a.floatData();
        float[] bv = b.floatData();
        float[] dst = out.floatData();
        StridedLoop.run(parallel, (n, offsets, strides) -> {
            int to = offsets[0];
            int ia = offsets[1];
            int ib = offsets[2];
            int sa = strides[1];
            int sb = strides[2];
            int i = 0;
            // POW runs lane by lane through Math.pow: the Vector API's POW differs between JIT tiers.
            if (strides[0] == 1 && (sa == 1 || sa == 0) && (sb == 1 || sb == 0) && op != BinaryOp.POW) {
                // Stride 0 is a broadcast operand: one value for the whole row.
                FloatVector aFixed = FloatVector.broadcast(FLOAT, av[ia]);
                FloatVector bFixed = FloatVector.broadcast(FLOAT, bv[ib]);
                for (int bound = FLOAT.loopBound(n); i < bound; i += FLOAT.length()) {
                    FloatVector x = sa == 1 ? FloatVector.fromArray(FLOAT, av, ia + i) : aFixed;
                    FloatVector y = sb == 1 ? FloatVector.fromArray(FLOAT, bv, ib + i) : bFixed;
                    apply(op, x, y).intoArray(dst, to + i);
                }
            }
            for (; i < n; i++) {
                dst[to + i * strides[0]] = ScalarMath.binary(op, av[ia + i * sa], bv[ib + i * sb]);
            }
        }, out, a, b);
    }

    private static FloatVector apply(BinaryOp op, FloatVector a, FloatVector b) {
        return switch (op) {
            case ADD -> a.add(b);
            case SUB -> a.sub(b);
            case MUL -> a.mul(b);
            case DIV -> a.div(b);
            case POW -> throw new IllegalArgumentException("POW has no vector form here; binary runs it lane by lane");
            case MAXIMUM -> a.max(b);
            case MINIMUM -> a.min(b);
        };
    }

    static void compare(Parallel parallel, CompareOp op, Tensor a, Tensor b, Tensor out) {
        if (a.dtype() != DType.FLOAT32) {
            ReferenceBackend.INSTANCE.compare(op, a, b, out);
            return;
        }
        float[] av = a.floatData();
        float[] bv = b.floatData();
        boolean[] dst = out.booleanData();
        VectorOperators.Comparison comparison = switch (op) {
            case EQ -> VectorOperators.EQ;
            case NE -> VectorOperators.NE;
            case LT -> VectorOperators.LT;
            case LE -> VectorOperators.LE;
            case GT -> VectorOperators.GT;
            case GE -> VectorOperators.GE;
        };
        StridedLoop.run(parallel, (n, offsets, strides) -> {
            int to = offsets[0];
            int ia = offsets[1];
            int ib = offsets[2];
            int sa = strides[1];
            int sb = strides[2];
            int i = 0;
            if (strides[0] == 1 && sa == 1 && (sb == 1 || sb == 0)) {
                FloatVector bFixed = FloatVector.broadcast(FLOAT, bv[ib]);
                for (int bound = FLOAT.loopBound(n); i < bound; i += FLOAT.length()) {
                    FloatVector y = sb == 1 ? FloatVector.fromArray(FLOAT, bv, ib + i) : bFixed;
                    FloatVector.fromArray(FLOAT, av, ia + i).compare(comparison, y).intoArray(dst, to + i);
                }
            }
            for (; i < n; i++) {
                dst[to + i * strides[0]] = ScalarMath.compare(op, av[ia + i * sa], bv[ib + i * sb]);
            }
        }, out, a, b);
    }

    static void where(Parallel parallel, Tensor condition, Tensor a, Tensor b, Tensor out) {
        if (out.dtype() != DType.FLOAT32) {
            ReferenceBackend.INSTANCE.where(condition, a, b, out);
            return;
        }
        boolean[] cond = condition.booleanData();
        float[] av = a.floatData();
        float[] bv = b.floatData();
        float[] dst = out.floatData();
        StridedLoop.run(parallel, (n, offsets, strides) -> {
            int to = offsets[0];
            int ic = offsets[1];
            int ia = offsets[2];
            int ib = offsets[3];
            int sc = strides[1];
            int sa = strides[2];
            int sb = strides[3];
            int i = 0;
            if (strides[0] == 1 && sc == 1 && (sa == 1 || sa == 0) && (sb == 1 || sb == 0)) {
                FloatVector aFixed = FloatVector.broadcast(FLOAT, av[ia]);
                FloatVector bFixed = FloatVector.broadcast(FLOAT, bv[ib]);
                for (int bound = FLOAT.loopBound(n); i < bound; i += FLOAT.length()) {
                    VectorMask<Float> pickA = VectorMask.fromArray(FLOAT, cond, ic + i);
                    FloatVector x = sa == 1 ? FloatVector.fromArray(FLOAT, av, ia + i) : aFixed;
                    FloatVector y = sb == 1 ? FloatVector.fromArray(FLOAT, bv, ib + i) : bFixed;
                    y.blend(x, pickA).intoArray(dst, to + i);
                }
            }
            for (; i < n; i++) {
                dst[to + i * strides[0]] = cond[ic + i * sc] ? av[ia + i * sa] : bv[ib + i * sb];
            }
        }, out, condition, a, b);
    }
}
