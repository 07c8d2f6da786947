package dev.cortado.tensor.cpu;

/**
 * Per-thread packing buffers for {@link Sgemm}, grown on demand and kept for the thread's lifetime, so
 * repeated products allocate (and zero) nothing. At the default blocking a thread holds at most
 * 512 × 1024 floats of B block, 512 × 96 of A block and one tile: about 2.2 MiB.
 *
 * <p>Each buffer has {@link Simd#LANES} floats of slack past the length asked for: packing ends panels with
 * masked vector stores, and a masked store whose full vector would pass the array's end takes the Vector
 * API's lane-by-lane bounds check (about 5 % of a ViT training step when it happened).
 *
 * <p>A buffer's contents are only meaningful during the call that filled it; callers never keep one
 * across calls and never hand one to code that could call back into {@link Sgemm} on the same thread.
 */
final class Scratch {
    private static final ThreadLocal<Scratch> PER_THREAD = ThreadLocal.withInitial(Scratch::new);

    private float[] aBlock = new float[0];
    private float[] bBlock = new float[0];
    private final float[] edgeTile = new float[SgemmKernel.MR * SgemmKernel.NR];

    private Scratch() {
    }

    static Scratch get() {
        return PER_THREAD.get();
    }

    /** A buffer of at least {@code length} floats for a packed A block. */
    float[] aBlock(int length) {
        if (aBlock.length < length) {
            aBlock = new float[length + Simd.LANES];
        }
        return aBlock;
    }

    /** A buffer of at least {@code length} floats for a packed B block. */
    float[] bBlock(int length) {
        if (bBlock.length < length) {
            bBlock = new float[length + Simd.LANES];
        }
        return bBlock;
    }

    /** One MR × NR tile for kernel results that only partly fit C. */
    float[] edgeTile() {
        return edgeTile;
    }
}
