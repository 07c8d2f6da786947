package dev.cortado.tensor.reference;

import dev.cortado.tensor.DType;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.BinaryOp;
import dev.cortado.tensor.backend.CompareOp;
import dev.cortado.tensor.backend.UnaryOp;

/** Elementwise kernels of the reference backend: one {@link ScalarMath} call per element. */
final class ReferenceElementwise {
    private ReferenceElementwise() {
    }

    static void copy(Tensor src, Tensor dst) {
        Layout from = new Layout(src);
        Layout to = new Layout(dst);
        int n = dst.numel();
        for (int i = 0; i < n; i++) {
            int s = from.at(i);
            int d = to.at(i);
            switch (dst.dtype()) {
                case FLOAT32 -> dst.floatData()[d] = floatAt(src, s);
                case INT64 -> dst.longData()[d] = longAt(src, s);
                case BOOL -> dst.booleanData()[d] = booleanAt(src, s);
            }
        }
    }

    /** Value at storage index {@code s} as float (bool → 0/1). */
    static float floatAt(Tensor t, int s) {
        return switch (t.dtype()) {
            case FLOAT32 -> t.floatData()[s];
            case INT64 -> (float) t.longData()[s];
            case BOOL -> t.booleanData()[s] ? 1f : 0f;
        };
    }

    /** Value at storage index {@code s} as int64 (floats truncate toward zero, as a C cast). */
    static long longAt(Tensor t, int s) {
        return switch (t.dtype()) {
            case FLOAT32 -> (long) t.floatData()[s];
            case INT64 -> t.longData()[s];
            case BOOL -> t.booleanData()[s] ? 1L : 0L;
        };
    }

    /** Value at storage index {@code s} as bool (non-zero, NaN included, is true). */
    static boolean booleanAt(Tensor t, int s) {
        return switch (t.dtype()) {
            case FLOAT32 -> t.floatData()[s] != 0f;
            case INT64 -> t.longData()[s] != 0L;
            case BOOL -> t.booleanData()[s];
        };
    }

    static void unary(UnaryOp op, Tensor x, Tensor out) {
        Layout in = new Layout(x);
        float[] src = x.floatData();
        float[] dst = out.floatData();
        Layout to = new Layout(out);
        for (int i = 0; i < out.numel(); i++) {
            dst[to.at(i)] = ScalarMath.unary(op, src[in.at(i)]);
        }
    }

    static void unaryBackward(UnaryOp op, Tensor x, Tensor gradOut, Tensor gradIn) {
        Layout in = new Layout(x);
        Layout grad = new Layout(gradOut);
        Layout to = new Layout(gradIn);
        float[] src = x.floatData();
        float[] g = gradOut.floatData();
        float[] dst = gradIn.floatData();
        for (int i = 0; i < gradIn.numel(); i++) {
            dst[to.at(i)] = (float) (g[grad.at(i)] * ScalarMath.derivative(op, src[in.at(i)]));
        }
    }

    static void clamp(Tensor x, float min, float max, Tensor out) {
        Layout in = new Layout(x);
        float[] src = x.floatData();
        float[] dst = out.floatData();
        Layout to = new Layout(out);
        for (int i = 0; i < out.numel(); i++) {
            dst[to.at(i)] = ScalarMath.clamp(src[in.at(i)], min, max);
        }
    }

    static void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        Layout la = new Layout(a);
        Layout lb = new Layout(b);
        Layout to = new Layout(out);
        float[] av = a.floatData();
        float[] bv = b.floatData();
        float[] dst = out.floatData();
        for (int i = 0; i < out.numel(); i++) {
            dst[to.at(i)] = ScalarMath.binary(op, av[la.at(i)], bv[lb.at(i)]);
        }
    }

    static void compare(CompareOp op, Tensor a, Tensor b, Tensor out) {
        Layout la = new Layout(a);
        Layout lb = new Layout(b);
        Layout to = new Layout(out);
        boolean[] dst = out.booleanData();
        boolean integers = a.dtype() == DType.INT64;
        for (int i = 0; i < out.numel(); i++) {
            int ia = la.at(i);
            int ib = lb.at(i);
            // int64 values compare exactly as longs; a double would round those above 2^53.
            dst[to.at(i)] = integers
                    ? ScalarMath.compare(op, Long.compare(a.longData()[ia], b.longData()[ib]), 0)
                    : ScalarMath.compare(op, a.floatData()[ia], b.floatData()[ib]);
        }
    }

    static void where(Tensor condition, Tensor a, Tensor b, Tensor out) {
        Layout lc = new Layout(condition);
        Layout la = new Layout(a);
        Layout lb = new Layout(b);
        Layout to = new Layout(out);
        boolean[] cond = condition.booleanData();
        for (int i = 0; i < out.numel(); i++) {
            boolean pickA = cond[lc.at(i)];
            Tensor src = pickA ? a : b;
            int s = pickA ? la.at(i) : lb.at(i);
            int d = to.at(i);
            switch (out.dtype()) {
                case FLOAT32 -> out.floatData()[d] = src.floatData()[s];
                case INT64 -> out.longData()[d] = src.longData()[s];
                case BOOL -> out.booleanData()[d] = src.booleanData()[s];
            }
        }
    }
}
