package dev.cortado.tornado.graphs;

import static dev.cortado.tornado.graphs.StepCall.Access.READ;
import static dev.cortado.tornado.graphs.StepCall.Access.UPDATE;
import static dev.cortado.tornado.graphs.StepCall.Access.WRITE;

import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.AdamStep;
import dev.cortado.tensor.backend.BinaryOp;
import dev.cortado.tensor.backend.Conv2dParams;
import dev.cortado.tensor.backend.ReduceOp;
import dev.cortado.tensor.backend.UnaryOp;
import dev.cortado.tornado.kernels.ConvKernels;
import dev.cortado.tornado.kernels.ElementwiseKernels;
import dev.cortado.tornado.kernels.IndexKernels;
import dev.cortado.tornado.kernels.MatmulKernels;
import dev.cortado.tornado.kernels.OptimizerKernels;
import dev.cortado.tornado.kernels.RowKernels;
import java.util.List;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The backend's device ops as {@link StepCall}s: each names its operands and what it does to them, and emits
 * the same kernels as its op-by-op graph, reading and writing the step plan's buffers (views made dense, and
 * results put into views, by strided-copy tasks on the device instead of copies on the host).
 */
public final class StepOps {
    private StepOps() {
    }

    /** WRITE when {@code out} is its whole storage, else UPDATE: the rest of the storage must be kept. */
    static StepCall.Access written(Tensor out) {
        return out.offset() == 0 && out.isContiguous() && out.numel() == out.storage().length() ? WRITE : UPDATE;
    }

    public static StepCall unary(UnaryOp op, Tensor x, Tensor out, Runnable eager) {
        return StepCall.device("unary", List.of(op), null, b -> {
            FloatArray input = b.dense(x);
            var result = b.output(out);
            IntArray code = b.constant(OpCodes.of(op));
            b.task(TaskNames.UNARY, (g, id) -> g.task(id, ElementwiseKernels::unary, input, result.array(), code));
            result.commit();
        }, eager, new Tensor[] {x, out}, READ, written(out));
    }

    public static StepCall unaryBackward(UnaryOp op, Tensor x, Tensor gradOut, Tensor gradIn, Runnable eager) {
        return StepCall.device("unaryBackward", List.of(op), null, b -> {
            FloatArray input = b.dense(x);
            FloatArray gradient = b.dense(gradOut);
            var result = b.output(gradIn);
            IntArray code = b.constant(OpCodes.of(op));
            b.task(TaskNames.UNARY_BACKWARD, (g, id) -> g.task(id, ElementwiseKernels::unaryBackward, input, gradient,
                    result.array(), code));
            result.commit();
        }, eager, new Tensor[] {x, gradOut, gradIn}, READ, READ, written(gradIn));
    }

    public static StepCall binary(BinaryOp op, Tensor a, Tensor b, Tensor out, Runnable eager) {
        return StepCall.device("binary", List.of(op), null, builder -> {
            BinaryGraph.Broadcast left = BinaryGraph.Broadcast.of(a);
            BinaryGraph.Broadcast right = BinaryGraph.Broadcast.of(b);
            FloatArray x = builder.dense(left.compact());
            FloatArray y = builder.dense(right.compact());
            var result = builder.output(out);
            IntArray layout = builder.constant(ElementwiseKernels.BINARY_LAYOUT_SLOTS,
                    l -> BinaryGraph.setLayout(l, op, left, right, out));
            builder.task(TaskNames.BINARY, (g, id) -> g.task(id, ElementwiseKernels::binary, x, y, result.array(), layout));
            result.commit();
        }, eager, new Tensor[] {a, b, out}, READ, READ, written(out));
    }

    /** A reduction of x's rows of {@code n} elements (its trailing dims) into out. */
    public static StepCall reduce(ReduceOp op, Tensor x, int n, Tensor out, Runnable eager) {
        return StepCall.device("reduce", List.of(op, n), null, b -> {
            FloatArray input = b.dense(x);
            var result = b.output(out);
            IntArray code = b.constant(OpCodes.of(op));
            b.task(TaskNames.REDUCE, (g, id) -> g.task(id, RowKernels::reduce, input, result.array(), n, code));
            result.commit();
        }, eager, new Tensor[] {x, out}, READ, written(out));
    }

    public static StepCall softmax(Tensor x, Tensor out, boolean log, Runnable eager) {
        int n = x.size(-1);
        int rows = x.numel() / n;
        return StepCall.device("softmax", List.of(log), null, b -> {
            FloatArray input = b.dense(x);
            var result = b.output(out);
            b.task(TaskNames.SOFTMAX, (g, id) -> g.task(id, RowKernels::softmax, input, result.array(), rows, n,
                    log ? 1 : 0));
            result.commit();
        }, eager, new Tensor[] {x, out}, READ, written(out));
    }

    public static StepCall softmaxBackward(Tensor y, Tensor gradOut, Tensor gradIn, boolean log, Runnable eager) {
        int n = y.size(-1);
        int rows = y.numel() / n;
        return StepCall.device("softmaxBackward", List.of(log), null, b -> {
            FloatArray output = b.dense(y);
            FloatArray gradient = b.dense(gradOut);
            var result = b.output(gradIn);
            b.task(TaskNames.SOFTMAX_BACKWARD, (g, id) -> g.task(id, RowKernels::softmaxBackward, output, gradient,
                    result.array(), rows, n, log ? 1 : 0));
            result.commit();
        }, eager, new Tensor[] {y, gradOut, gradIn}, READ, READ, written(gradIn));
    }

    /** See {@code Backend.layerNorm}: weight, bias, mean and rstd may be null. */
    public static StepCall layerNorm(Tensor x, Tensor weight, Tensor bias, float eps, Tensor out, Tensor mean,
                                     Tensor rstd, Runnable eager) {
        int n = x.size(-1);
        int rows = x.numel() / n;
        return StepCall.device("layerNorm", List.of(eps), null, b -> {
            FloatArray input = b.dense(x);
            FloatArray w = weight != null ? b.dense(weight) : b.filled(n, 1f);
            FloatArray shift = bias != null ? b.dense(bias) : b.filled(n, 0f);
            var result = b.output(out);
            FloatArray meanOut = mean != null ? b.output(mean).array() : b.temp(rows);
            FloatArray rstdOut = rstd != null ? b.output(rstd).array() : b.temp(rows);
            b.task(TaskNames.LAYER_NORM, (g, id) -> g.task(id, RowKernels::layerNorm, input, w, shift, result.array(),
                    meanOut, rstdOut, n, eps));
            result.commit();
            commitIfPresent(b, mean, meanOut);
            commitIfPresent(b, rstd, rstdOut);
        }, eager, new Tensor[] {x, weight, bias, out, mean, rstd}, READ, READ, READ, written(out), writtenOrRead(mean),
                writtenOrRead(rstd));
    }

    /** See {@code Backend.layerNormBackward}: weight, gradWeight and gradBias may be null. */
    public static StepCall layerNormBackward(Tensor x, Tensor weight, Tensor mean, Tensor rstd, Tensor gradOut,
                                             Tensor gradIn, Tensor gradWeight, Tensor gradBias, Runnable eager) {
        int n = x.size(-1);
        return StepCall.device("layerNormBackward", List.of(), null, b -> {
            FloatArray input = b.dense(x);
            FloatArray w = weight != null ? b.dense(weight) : b.filled(n, 1f);
            FloatArray meanIn = b.dense(mean);
            FloatArray rstdIn = b.dense(rstd);
            FloatArray gradient = b.dense(gradOut);
            var result = b.output(gradIn);
            FloatArray weightGrad = gradWeight != null ? b.output(gradWeight).array() : b.temp(n);
            FloatArray biasGrad = gradBias != null ? b.output(gradBias).array() : b.temp(n);
            b.task(TaskNames.LAYER_NORM_BACKWARD, (g, id) -> g.task(id, RowKernels::layerNormBackward, input, w, meanIn,
                    rstdIn, gradient, result.array(), n));
            b.task(TaskNames.LAYER_NORM_PARAM_GRADS, (g, id) -> g.task(id, RowKernels::layerNormParamGrads, input,
                    meanIn, rstdIn, gradient, weightGrad, biasGrad));
            result.commit();
            commitIfPresent(b, gradWeight, weightGrad);
            commitIfPresent(b, gradBias, biasGrad);
        }, eager, new Tensor[] {x, weight, mean, rstd, gradOut, gradIn, gradWeight, gradBias}, READ, READ, READ, READ,
                READ, written(gradIn), writtenOrRead(gradWeight), writtenOrRead(gradBias));
    }

    private static StepCall.Access writtenOrRead(Tensor optional) {
        return optional == null ? READ : written(optional);
    }

    /** Puts a kernel's dense result for an optional view into it (nothing when it wrote the storage itself). */
    private static void commitIfPresent(StepPlan.Builder b, Tensor view, FloatArray dense) {
        if (view != null && !(view.offset() == 0 && view.isContiguous() && view.numel() == view.storage().length())) {
            b.copyInto(dense, StepPlan.denseStrides(view.shape()), view);
        }
    }

    /** Batched matmul out [B, M, N] = a [B, M, K] · b [B, K, N], operands read in place with their strides. */
    public static StepCall matmul(Tensor a, Tensor b, Tensor out, Runnable eager) {
        return StepCall.device("matmul", List.of(), null, builder -> {
            int[] aStrides = new int[3];
            int[] bStrides = new int[3];
            FloatArray left = builder.strided(a, aStrides);
            FloatArray right = builder.strided(b, bStrides);
            var result = builder.output(out);
            IntArray layout = builder.constant(MatmulKernels.LAYOUT_SLOTS,
                    l -> MatmulGraph.setLayout(l, out.size(1), out.size(2), a.size(2), aStrides, bStrides));
            MatmulGraph.Tiling tiling = MatmulGraph.tiling(out.size(0), out.size(1), out.size(2));
            builder.task(TaskNames.SGEMM, MatmulGraph.grid(out.size(0), out.size(1), out.size(2)),
                    (g, id) -> g.task(id, MatmulKernels::sgemm, new KernelContext(), left, right, result.array(), layout,
                            tiling.tile(), tiling.tileK(), tiling.vec()));
            result.commit();
        }, eager, new Tensor[] {a, b, out}, READ, READ, written(out));
    }

    /** conv2d: im2col, the grouped SGEMM, the bias, and the channel-first result permuted into out. */
    public static StepCall conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams params, Tensor out,
                                  Runnable eager) {
        return StepCall.device("conv2d", List.of(params), null, b -> {
            Conv conv = Conv.of(b, ConvGraph.key(ConvGraph.Kind.FORWARD, input, weight, params));
            ConvGraph.Key key = conv.key();
            FloatArray x = b.dense(input);
            FloatArray w = b.dense(weight);
            FloatArray shift = bias != null ? b.dense(bias) : b.filled(key.o(), 0f);
            FloatArray channelFirst = b.temp(key.o() * key.columns());
            conv.im2col(b, x);
            conv.gemm(b, w, conv.cols(), channelFirst);
            b.task(TaskNames.CONV_BIAS, (g, id) -> g.task(id, ConvKernels::addBias, channelFirst, shift, conv.layout()));
            // channelFirst is [O, N, OH·OW]: element (n, o, y, x) of out is at o·N·L + n·L + y·OW + x.
            int l = key.oh() * key.ow();
            b.copyInto(channelFirst, new int[] {l, key.n() * l, key.ow(), 1}, out);
        }, eager, new Tensor[] {input, weight, bias, out}, READ, READ, READ, written(out));
    }

    /** The input gradient: Wᵀ · dY into the column matrix, then col2im into gradInput. */
    public static StepCall conv2dInputGrad(Tensor gradOut, Tensor weight, Conv2dParams params, Tensor gradInput,
                                           Runnable eager) {
        return StepCall.device("conv2dInputGrad", List.of(params), null, b -> {
            Conv conv = Conv.of(b, ConvGraph.key(ConvGraph.Kind.INPUT_GRAD, gradInput, weight, params));
            FloatArray w = b.dense(weight);
            FloatArray gradient = b.dense(gradOut.permute(1, 0, 2, 3));
            var result = b.output(gradInput);
            conv.gemm(b, w, gradient, conv.cols());
            b.task(TaskNames.COL2IM, (g, id) -> g.task(id, ConvKernels::col2im, conv.cols(), result.array(),
                    conv.layout()));
            result.commit();
        }, eager, new Tensor[] {gradOut, weight, gradInput}, READ, READ, written(gradInput));
    }

    /** The weight gradient: im2col of the input, then dY · colsᵀ into gradWeight. */
    public static StepCall conv2dWeightGrad(Tensor input, Tensor gradOut, Conv2dParams params, Tensor gradWeight,
                                            Runnable eager) {
        return StepCall.device("conv2dWeightGrad", List.of(params), null, b -> {
            Conv conv = Conv.of(b, ConvGraph.key(ConvGraph.Kind.WEIGHT_GRAD, input, gradWeight, params));
            FloatArray x = b.dense(input);
            FloatArray gradient = b.dense(gradOut.permute(1, 0, 2, 3));
            var result = b.output(gradWeight);
            conv.im2col(b, x);
            conv.gemm(b, gradient, conv.cols(), result.array());
            result.commit();
        }, eager, new Tensor[] {input, gradOut, gradWeight}, READ, READ, written(gradWeight));
    }

    /**
     * What the three convolutions share in a plan: the column matrix [G, Kg, N·L] (device only), the conv layout
     * and the grouped SGEMM of the key's kind (layout, tiling and grid from {@link ConvGraph}).
     */
    private record Conv(ConvGraph.Key key, FloatArray cols, IntArray layout, IntArray gemmLayout) {
        static Conv of(StepPlan.Builder b, ConvGraph.Key key) {
            return new Conv(key, b.temp(key.groups() * key.rows() * key.columns()),
                    b.constant(ConvKernels.LAYOUT_SLOTS, l -> ConvGraph.setConvLayout(l, key)),
                    b.constant(MatmulKernels.LAYOUT_SLOTS, l -> ConvGraph.setGemmLayout(l, key)));
        }

        void im2col(StepPlan.Builder b, FloatArray input) {
            b.task(TaskNames.IM2COL, (g, id) -> g.task(id, ConvKernels::im2col, input, cols, layout));
        }

        void gemm(StepPlan.Builder b, FloatArray left, FloatArray right, FloatArray product) {
            MatmulGraph.Tiling tiling = ConvGraph.tiling(key);
            b.task(TaskNames.SGEMM, ConvGraph.grid(key), (g, id) -> g.task(id, MatmulKernels::sgemm, new KernelContext(),
                    left, right, product, gemmLayout, tiling.tile(), tiling.tileK(), tiling.vec()));
        }
    }

    /** torch.gather of float data (see {@link IndexGraph#gather}); the index is staged and checked every step. */
    public static StepCall gather(Tensor x, int dim, Tensor index, Tensor out, Runnable eager) {
        int[] shape = index.shape();
        IndexGraph.Key key = new IndexGraph.Key(false, IndexGraph.product(shape, 0, dim), x.size(dim), shape[dim],
                IndexGraph.product(shape, dim + 1, shape.length), index.numel());
        return indexing("gather", key, IndexGraph.narrowedTo(x, shape, dim), x, index, out,
                IndexGraph.denseStrides(key), eager);
    }

    /** index_select of float data (see {@link IndexGraph#indexSelect}). */
    public static StepCall indexSelect(Tensor x, int dim, Tensor index, Tensor out, Runnable eager) {
        int[] shape = x.shape();
        IndexGraph.Key key = new IndexGraph.Key(false, IndexGraph.product(shape, 0, dim), shape[dim], index.numel(),
                IndexGraph.product(shape, dim + 1, shape.length), index.numel());
        return indexing("indexSelect", key, x, x, index, out, new int[] {0, 1, 0}, eager);
    }

    private static StepCall indexing(String op, IndexGraph.Key key, Tensor source, Tensor x, Tensor index, Tensor out,
                                     int[] indexStrides, Runnable eager) {
        return StepCall.device(op, List.of(key), null, b -> {
            FloatArray values = b.dense(source);
            IntArray positions = b.index(1, key.sourceSize());
            var result = b.output(out);
            IntArray layout = b.constant(IndexKernels.LAYOUT_SLOTS, l -> IndexGraph.setLayout(l, key, indexStrides));
            b.task(TaskNames.GATHER, (g, id) -> g.task(id, IndexKernels::gather, values, positions, result.array(),
                    layout));
            result.commit();
        }, eager, new Tensor[] {x, index, out}, READ, READ, written(out));
    }

    /** torch.scatter_add_ (see {@link IndexGraph#scatterAdd}): dst's index-shaped part gains src's values. */
    public static StepCall scatterAdd(Tensor dst, int dim, Tensor index, Tensor src, Runnable eager) {
        int[] shape = index.shape();
        IndexGraph.Key key = new IndexGraph.Key(true, IndexGraph.product(shape, 0, dim), dst.size(dim), shape[dim],
                IndexGraph.product(shape, dim + 1, shape.length), index.numel());
        return StepCall.device("scatterAdd", List.of(key), null, b -> {
            var result = b.update(IndexGraph.narrowedTo(dst, shape, dim));
            IntArray positions = b.index(2, key.sourceSize());
            FloatArray values = b.dense(IndexGraph.narrowedTo(src, shape, -1));
            IntArray layout = b.constant(IndexKernels.LAYOUT_SLOTS,
                    l -> IndexGraph.setLayout(l, key, IndexGraph.denseStrides(key)));
            b.task(TaskNames.SCATTER_ADD, (g, id) -> g.task(id, IndexKernels::scatterAdd, result.array(), positions,
                    values, layout));
            result.commit();
        }, eager, new Tensor[] {src, dst, index}, READ, UPDATE, READ);
    }

    /** The AdamW update of whole-storage θ, m, v; the step's scalars are staged on every replay. */
    public static StepCall adam(Tensor theta, Tensor grad, Tensor m, Tensor v, AdamStep step, Runnable eager) {
        return StepCall.device("adam", List.of(), step, b -> {
            FloatArray parameter = b.update(theta).array();
            FloatArray gradient = b.dense(grad);
            FloatArray first = b.update(m).array();
            FloatArray second = b.update(v).array();
            FloatArray scalars = b.staged(OptimizerKernels.SCALAR_SLOTS,
                    (call, array) -> AdamGraph.setScalars(array, (AdamStep) call.payload()));
            b.task(TaskNames.ADAM, (g, id) -> g.task(id, OptimizerKernels::adam, parameter, gradient, first, second,
                    scalars));
        }, eager, new Tensor[] {theta, grad, m, v}, UPDATE, READ, UPDATE, UPDATE);
    }

    /** tensor-core's copy of a float view (broadcast included) into another, as one strided-copy task. */
    public static StepCall copy(Tensor src, Tensor dst, Runnable eager) {
        return StepCall.device("copy", List.of(), null, b -> b.copy(src, dst), eager, new Tensor[] {src, dst}, READ,
                written(dst));
    }
}
