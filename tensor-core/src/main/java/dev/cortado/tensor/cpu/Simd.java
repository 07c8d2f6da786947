package dev.cortado.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
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

    private Simd() {
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
        return FloatVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(requested)).check(float.class);
    }
}
