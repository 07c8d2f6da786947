package dev.cortado.tornado.graphs;

import dev.cortado.tensor.DType;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Backend;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * Moves tensor data between Cortado's heap arrays and TornadoVM's off-heap arrays. Strided inputs are made
 * dense on the host with the CPU backend's copy; dense ranges are one bulk memory copy.
 */
final class HostCopies {
    private HostCopies() {
    }

    /** Writes x's values in row-major order into the first {@code x.numel()} elements of {@code dst}. */
    static void packDense(Tensor x, FloatArray dst, Backend cpu) {
        Tensor dense = x;
        if (!x.isContiguous()) {
            dense = Tensor.empty(DType.FLOAT32, x.shape());
            cpu.copy(x, dense);
        }
        copyRange(dense, dense.offset(), x.numel(), dst);
    }

    /** Writes {@code length} consecutive storage elements of x starting at storage index {@code start}. */
    static void copyRange(Tensor x, int start, int length, FloatArray dst) {
        MemorySegment.copy(x.floatData(), start, dst.getSegment(), ValueLayout.JAVA_FLOAT, 0, length);
    }

    /** Writes the first {@code out.numel()} elements of {@code src} into out (any strides) in row-major order. */
    static void unpack(FloatArray src, Tensor out, Backend cpu) {
        if (out.isContiguous()) {
            MemorySegment.copy(src.getSegment(), ValueLayout.JAVA_FLOAT, 0, out.floatData(), out.offset(), out.numel());
            return;
        }
        Tensor dense = Tensor.empty(DType.FLOAT32, out.shape());
        MemorySegment.copy(src.getSegment(), ValueLayout.JAVA_FLOAT, 0, dense.floatData(), 0, out.numel());
        cpu.copy(dense, out);
    }
}
