package dev.cortado.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float vector species every CPU kernel uses, fixed at class load. By default the machine's widest
 * ({@link FloatVector#SPECIES_PREFERRED}); {@code -Dcortado.vector.bits=128|256|512} forces a narrower one
 * (tests run every kernel at each width). {@code -Dcortado.backend=reference} forces the scalar path.
 */
public final class Simd {
    /** The species of every Vector API loop in this package. */
    public static final VectorSpecies<Float> FLOAT = chooseSpecies(System.getProperty("cortado.vector.bits"));

    /** Lanes per vector of {@link #FLOAT}. */
    public static final int LANES = FLOAT.length();

    /** Rotations by 8, 4, 2 and 1 lanes (those below {@link #LANES}; null otherwise), for {@link #sum}. */
    private static final VectorShuffle<Float> ROTATE_8 = rotation(8);
    private static final VectorShuffle<Float> ROTATE_4 = rotation(4);
    private static final VectorShuffle<Float> ROTATE_2 = rotation(2);
    private static final VectorShuffle<Float> ROTATE_1 = rotation(1);

    private Simd() {
    }

    /**
     * The sum of v's lanes in one fixed order, halving: lane i adds lane i + L/2, then i + L/4, …, so the
     * result is the same bits in every JIT tier. ({@code reduceLanes(ADD)} leaves the order open, and the
     * compiled and interpreted forms do differ in the last bit.)
     */
    static float sum(FloatVector v) {
        if (LANES > 8) {
            v = v.add(v.rearrange(ROTATE_8));
        }
        if (LANES > 4) {
            v = v.add(v.rearrange(ROTATE_4));
        }
        if (LANES > 2) {
            v = v.add(v.rearrange(ROTATE_2));
        }
        return v.add(v.rearrange(ROTATE_1)).lane(0);
    }

    private static VectorShuffle<Float> rotation(int lanes) {
        return lanes < LANES ? VectorShuffle.iota(FLOAT, lanes, 1, true) : null;
    }

    static VectorSpecies<Float> chooseSpecies(String bits) {
        VectorSpecies<Float> preferred = FloatVector.SPECIES_PREFERRED;
        if (bits == null || bits.isBlank()) {
            return preferred;
        }
        int requested;
        try {
            requested = Integer.parseInt(bits.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cortado.vector.bits must be 128, 256 or 512, got '" + bits + "'", e);
        }
        if (requested != 128 && requested != 256 && requested != 512) {
            throw new IllegalArgumentException("cortado.vector.bits must be 128, 256 or 512, got " + requested);
        }
        if (requested > preferred.vectorBitSize()) {
            throw new IllegalArgumentException("cortado.vector.bits=" + requested + " exceeds this CPU's widest vectors ("
                    + preferred.vectorBitSize() + " bits)");
        }
        return VectorSpecies.of(float.class, VectorShape.forBitSize(requested));
    }
}
