package dev.cortado.tornado.graphs;

import dev.cortado.tensor.DType;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Backend;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

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

    /**
     * Writes the INT64 index's values in row-major order into {@code dst} as int, each checked to lie in
     * [0, size): an index outside would make a kernel read or write outside its buffer.
     */
    static void packIndex(Tensor index, int size, IntArray dst, Backend cpu) {
        Tensor dense = index;
        if (!index.isContiguous()) {
            dense = Tensor.empty(DType.INT64, index.shape());
            cpu.copy(index, dense);
        }
        long[] data = dense.longData();
        int offset = dense.offset();
        for (int i = 0; i < index.numel(); i++) {
            long value = data[offset + i];
            if (value < 0 || value >= size) {
                throw new IllegalArgumentException("tornado: index " + value + " out of range for size " + size
                        + " along the indexed dim");
            }
            dst.set(i, (int) value);
        }
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
