package dev.cortado.tornado.graphs;

import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Backend;
import dev.cortado.tensor.backend.BinaryOp;
import dev.cortado.tornado.kernels.ElementwiseKernels;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * A broadcast binary op as one {@link ElementwiseKernels#binary} task:
 * <pre>
 *   a, b (compact: broadcast dims not expanded), layout (sizes, strides, op) ──▶ binary ──▶ out
 * </pre>
 */
public final class BinaryGraph implements AutoCloseable {
    private static final int MAX_RANK = ElementwiseKernels.MAX_RANK;

    /** One graph per output size and compact operand sizes; shapes, strides and the op travel in the layout. */
    public record Key(int numel, int aLength, int bLength) {
    }

    private final FloatArray a;
    private final FloatArray b;
    private final FloatArray out;
    private final IntArray layout = new IntArray(ElementwiseKernels.BINARY_LAYOUT_SLOTS);
    private final DevicePlan plan;

    private BinaryGraph(Key key, TornadoDevice device) {
        a = new FloatArray(key.aLength());
        b = new FloatArray(key.bLength());
        out = new FloatArray(key.numel());
        TaskGraph graph = new TaskGraph(DevicePlan.uniqueName(TaskNames.BINARY))
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, a, b, layout)
                .task(TaskNames.BINARY, ElementwiseKernels::binary, a, b, out, layout)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, out);
        plan = DevicePlan.of(graph, device);
    }

    /** Whether the device kernel takes this output rank. */
    public static boolean supports(Tensor out) {
        return out.dim() <= MAX_RANK;
    }

    /** {@code out = op(a, b)} for broadcast views a, b of out's shape. */
    public static void run(GraphCache cache, TornadoDevice device, Backend cpu, BinaryOp op, Tensor a, Tensor b,
                           Tensor out) {
        Broadcast left = Broadcast.of(a);
        Broadcast right = Broadcast.of(b);
        Key key = new Key(out.numel(), left.compact().numel(), right.compact().numel());
        BinaryGraph graph = cache.get(key, k -> new BinaryGraph(k, device));
        graph.execute(op, left, right, out, cpu);
    }

    private synchronized void execute(BinaryOp op, Broadcast left, Broadcast right, Tensor result, Backend cpu) {
        HostCopies.packDense(left.compact(), a, cpu);
        HostCopies.packDense(right.compact(), b, cpu);
        setLayout(layout, op, left, right, result);
        plan.execute();
        HostCopies.unpack(out, result, cpu);
    }

    /** Fills {@link ElementwiseKernels#binary}'s layout: out's sizes, each operand's compact strides, the op. */
    static void setLayout(IntArray layout, BinaryOp op, Broadcast left, Broadcast right, Tensor out) {
        int pad = MAX_RANK - out.dim();
        for (int d = 0; d < MAX_RANK; d++) {
            layout.set(d, d < pad ? 1 : out.size(d - pad));
            layout.set(MAX_RANK + d, left.strides()[d]);
            layout.set(2 * MAX_RANK + d, right.strides()[d]);
        }
        layout.set(ElementwiseKernels.BINARY_OP_SLOT, OpCodes.of(op));
    }

    @Override
    public void close() {
        plan.close();
    }

    /**
     * An operand without its broadcast: the view narrowed to size 1 along every stride-0 dim, and the strides
     * into its dense copy, padded to {@link ElementwiseKernels#MAX_RANK} (0 along size-1 dims, so they repeat).
     */
    record Broadcast(Tensor compact, int[] strides) {
        static Broadcast of(Tensor x) {
            Tensor compact = x;
            for (int d = 0; d < x.dim(); d++) {
                if (x.stride(d) == 0 && x.size(d) > 1) {
                    compact = compact.narrow(d, 0, 1);
                }
            }
            int[] strides = new int[MAX_RANK];
            int pad = MAX_RANK - x.dim();
            int running = 1;
            for (int d = x.dim() - 1; d >= 0; d--) {
                strides[pad + d] = compact.size(d) == 1 ? 0 : running;
                running *= compact.size(d);
            }
            return new Broadcast(compact, strides);
        }
    }
}
