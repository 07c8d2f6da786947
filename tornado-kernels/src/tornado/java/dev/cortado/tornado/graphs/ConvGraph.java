package dev.cortado.tornado.graphs;

import dev.cortado.tensor.DType;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Backend;
import dev.cortado.tensor.backend.Conv2dParams;
import dev.cortado.tornado.kernels.ConvKernels;
import dev.cortado.tornado.kernels.MatmulKernels;
import java.util.Arrays;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.WorkerGrid3D;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * conv2d and its two gradients as im2col / col2im around the tiled SGEMM, batched over the G groups, with the
 * column matrix cols [G, Kg, N·L] of {@link ConvKernels} kept on the device between the tasks:
 * <pre>
 *   forward:     input ──▶ im2col ──▶ cols;  W_g · cols_g ──▶ sgemm ──▶ out [O, N·L] ──▶ addBias ──▶ out
 *   input grad:  W_gᵀ · dY_g ──▶ sgemm ──▶ cols ──▶ col2im ──▶ gradInput [N, C, H, W]
 *   weight grad: input ──▶ im2col ──▶ cols;  dY_g · cols_gᵀ ──▶ sgemm ──▶ gradWeight [O, Cg, KH, KW]
 * </pre>
 * The GEMMs work channel-first ([O, N·L]), so dY is packed on the host as [O, N, OH, OW] and the forward's
 * output is permuted back to [N, O, OH, OW] there; transposed operands are the same buffers with swapped strides.
 */
public final class ConvGraph implements AutoCloseable {
    /** Which of the three convolutions a graph computes. */
    public enum Kind { FORWARD, INPUT_GRAD, WEIGHT_GRAD }

    /** One graph per kind, input shape, kernel shape and geometry. */
    public record Key(Kind kind, int n, int c, int h, int w, int o, int kh, int kw, Conv2dParams params) {
        int groups() {
            return params.groups();
        }

        int oh() {
            return params.outHeight(h, kh);
        }

        int ow() {
            return params.outWidth(w, kw);
        }

        /** Rows of each group's column matrix, Kg = C/G · KH · KW. */
        int rows() {
            return c / groups() * kh * kw;
        }

        /** Columns of the column matrix, N · OH · OW. */
        int columns() {
            return n * oh() * ow();
        }
    }

    private final Key key;
    private final FloatArray input;
    private final FloatArray weight;
    private final FloatArray bias;
    /** dY [O, N·L] for the gradients, the forward's output otherwise. */
    private final FloatArray channelFirst;
    private final FloatArray cols;
    private final IntArray convLayout = new IntArray(ConvKernels.LAYOUT_SLOTS);
    private final IntArray gemmLayout = new IntArray(MatmulKernels.LAYOUT_SLOTS);
    private final DevicePlan plan;

    private ConvGraph(Key key, TornadoDevice device) {
        this.key = key;
        int groups = key.groups();
        input = new FloatArray(key.n() * key.c() * key.h() * key.w());
        weight = new FloatArray(key.o() * key.rows());
        bias = new FloatArray(key.o());
        channelFirst = new FloatArray(key.o() * key.columns());
        cols = new FloatArray(groups * key.rows() * key.columns());
        setConvLayout(convLayout, key);
        setGemmLayout(gemmLayout, key);
        String name = DevicePlan.uniqueName(TaskNames.CONV2D + key.kind());
        KernelContext context = new KernelContext();
        TaskGraph graph = new TaskGraph(name).transferToDevice(DataTransferMode.FIRST_EXECUTION, cols);
        MatmulGraph.Tiling tiling = tiling(key);
        switch (key.kind()) {
            case FORWARD -> graph
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, input, weight, bias, convLayout, gemmLayout)
                    .task(TaskNames.IM2COL, ConvKernels::im2col, input, cols, convLayout)
                    .task(TaskNames.SGEMM, MatmulKernels::sgemm, context, weight, cols, channelFirst, gemmLayout,
                            tiling.tile(), tiling.tileK(), tiling.vec())
                    .task(TaskNames.CONV_BIAS, ConvKernels::addBias, channelFirst, bias, convLayout)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, channelFirst);
            case INPUT_GRAD -> graph
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, weight, channelFirst, convLayout, gemmLayout)
                    .task(TaskNames.SGEMM, MatmulKernels::sgemm, context, weight, channelFirst, cols, gemmLayout,
                            tiling.tile(), tiling.tileK(), tiling.vec())
                    .task(TaskNames.COL2IM, ConvKernels::col2im, cols, input, convLayout)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, input);
            case WEIGHT_GRAD -> graph
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, input, channelFirst, convLayout, gemmLayout)
                    .task(TaskNames.IM2COL, ConvKernels::im2col, input, cols, convLayout)
                    .task(TaskNames.SGEMM, MatmulKernels::sgemm, context, channelFirst, cols, weight, gemmLayout,
                            tiling.tile(), tiling.tileK(), tiling.vec())
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, weight);
        }
        plan = DevicePlan.of(graph, device, new GridScheduler(name + "." + TaskNames.SGEMM, grid(key)));
    }

    /** The SGEMM's rows: Kg for the input gradient (Wᵀ · dY), Og otherwise. */
    private static int gemmRows(Key key) {
        return key.kind() == Kind.INPUT_GRAD ? key.rows() : key.o() / key.groups();
    }

    /** The SGEMM's columns: Kg for the weight gradient (dY · colsᵀ), N·L otherwise. */
    private static int gemmColumns(Key key) {
        return key.kind() == Kind.WEIGHT_GRAD ? key.rows() : key.columns();
    }

    static MatmulGraph.Tiling tiling(Key key) {
        return MatmulGraph.tiling(key.groups(), gemmRows(key), gemmColumns(key));
    }

    static WorkerGrid3D grid(Key key) {
        return MatmulGraph.grid(key.groups(), gemmRows(key), gemmColumns(key));
    }

    /**
     * The SGEMM of {@code key}'s kind over the G groups, with every operand in its channel-first buffer:
     * W_g [Og, Kg] · cols_g [Kg, N·L] (forward), W_gᵀ · dY_g [Og, N·L] (input gradient, W_g's buffer with row
     * and column strides swapped) and dY_g · cols_gᵀ (weight gradient, likewise).
     */
    static void setGemmLayout(IntArray gemmLayout, Key key) {
        int outGroup = key.o() / key.groups();
        int[] weightStrides = {outGroup * key.rows(), key.rows(), 1};                  // W_g [Og, Kg]
        int[] colsStrides = {key.rows() * key.columns(), key.columns(), 1};            // cols_g [Kg, N·L]
        int[] gradStrides = {outGroup * key.columns(), key.columns(), 1};              // dY_g [Og, N·L]
        switch (key.kind()) {
            case FORWARD -> MatmulGraph.setLayout(gemmLayout, outGroup, key.columns(), key.rows(), weightStrides,
                    colsStrides);
            case INPUT_GRAD -> MatmulGraph.setLayout(gemmLayout, key.rows(), key.columns(), outGroup,
                    new int[] {weightStrides[0], 1, key.rows()}, gradStrides);
            case WEIGHT_GRAD -> MatmulGraph.setLayout(gemmLayout, outGroup, key.rows(), key.columns(), gradStrides,
                    new int[] {colsStrides[0], 1, key.columns()});
        }
    }

    static void setConvLayout(IntArray convLayout, Key key) {
        Conv2dParams p = key.params();
        int[] values = {key.n(), key.c(), key.h(), key.w(), p.groups(), key.kh(), key.kw(), key.oh(), key.ow(),
            p.strideH(), p.strideW(), p.padH(), p.padW(), p.dilationH(), p.dilationW()};
        for (int slot = 0; slot < values.length; slot++) {
            convLayout.set(slot, values[slot]);
        }
    }

    /** The key of a convolution of {@code input} with {@code weight}, after checking that they fit. */
    static Key key(Kind kind, Tensor input, Tensor weight, Conv2dParams params) {
        if (input.dim() != 4 || weight.dim() != 4 || weight.size(1) * params.groups() != input.size(1)
                || weight.size(0) % params.groups() != 0) {
            throw new IllegalArgumentException("tornado conv2d: input " + Arrays.toString(input.shape())
                    + " and weight " + Arrays.toString(weight.shape()) + " do not fit groups=" + params.groups());
        }
        return new Key(kind, input.size(0), input.size(1), input.size(2), input.size(3), weight.size(0),
                weight.size(2), weight.size(3), params);
    }

    private static ConvGraph of(GraphCache cache, TornadoDevice device, Kind kind, Tensor input, Tensor weight,
                                Conv2dParams params) {
        return cache.get(key(kind, input, weight, params), k -> new ConvGraph(k, device));
    }

    /** See {@code Backend.conv2d}; bias may be null. */
    public static void forward(GraphCache cache, TornadoDevice device, Backend cpu, Tensor x, Tensor w, Tensor b,
                               Conv2dParams params, Tensor out) {
        of(cache, device, Kind.FORWARD, x, w, params).runForward(x, w, b, out, cpu);
    }

    /** See {@code Backend.conv2dInputGrad}. */
    public static void inputGrad(GraphCache cache, TornadoDevice device, Backend cpu, Tensor gradOut, Tensor w,
                                 Conv2dParams params, Tensor gradInput) {
        of(cache, device, Kind.INPUT_GRAD, gradInput, w, params).runInputGrad(gradOut, w, gradInput, cpu);
    }

    /** See {@code Backend.conv2dWeightGrad}. */
    public static void weightGrad(GraphCache cache, TornadoDevice device, Backend cpu, Tensor x, Tensor gradOut,
                                  Conv2dParams params, Tensor gradWeight) {
        of(cache, device, Kind.WEIGHT_GRAD, x, gradWeight, params).runWeightGrad(x, gradOut, gradWeight, cpu);
    }

    private synchronized void runForward(Tensor x, Tensor w, Tensor b, Tensor out, Backend cpu) {
        HostCopies.packDense(x, input, cpu);
        HostCopies.packDense(w, weight, cpu);
        if (b != null) {
            HostCopies.packDense(b, bias, cpu);
        } else {
            bias.init(0f);
        }
        plan.execute();
        Tensor result = Tensor.empty(DType.FLOAT32, key.o(), key.n(), key.oh(), key.ow());
        HostCopies.unpack(channelFirst, result, cpu);
        cpu.copy(result.permute(1, 0, 2, 3), out);
    }

    private synchronized void runInputGrad(Tensor gradOut, Tensor w, Tensor gradInput, Backend cpu) {
        HostCopies.packDense(w, weight, cpu);
        HostCopies.packDense(gradOut.permute(1, 0, 2, 3), channelFirst, cpu);
        plan.execute();
        HostCopies.unpack(input, gradInput, cpu);
    }

    private synchronized void runWeightGrad(Tensor x, Tensor gradOut, Tensor gradWeight, Backend cpu) {
        HostCopies.packDense(x, input, cpu);
        HostCopies.packDense(gradOut.permute(1, 0, 2, 3), channelFirst, cpu);
        plan.execute();
        HostCopies.unpack(weight, gradWeight, cpu);
    }

    @Override
    public void close() {
        plan.close();
    }
}
