package dev.cortado.tensor.cpu;

import static dev.cortado.tensor.cpu.Simd.FLOAT;

import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.reference.ScalarMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dropout with SplitMix64 draws computed lane-parallel: element i's draw is the finaliser of
 * seed + (i + 1)·γ (see {@link ScalarMath#uniformBits}), so a vector of consecutive positions is one add of
 * {0, γ, 2γ, …} and the finaliser's xor-shifts and 64-bit multiplies, lane by lane. A draw keeps its element
 * when its 53 bits reach {@link ScalarMath#keepThreshold}.
 */
final class CpuDropout {
    /** 64-bit lanes, as wide as the float species. */
    private static final VectorSpecies<Long> LONG =
            VectorSpecies.of(long.class, VectorShape.forBitSize(FLOAT.vectorBitSize()));
    /** Floats with as many lanes as {@link #LONG}, so a mask over draws is a mask over floats. */
    private static final VectorSpecies<Float> PAIRED =
            VectorSpecies.of(float.class, VectorShape.forBitSize(FLOAT.vectorBitSize() / 2));

    private CpuDropout() {
    }

    static void dropout(Parallel parallel, Tensor x, float p, long seed, Tensor out) {
        float[] src = x.floatData();
        float[] dst = out.floatData();
        int from = x.offset();
        int to = out.offset();
        float scale = 1 / (1 - p);
        long threshold = ScalarMath.keepThreshold(p);
        int lanes = LONG.length();
        long[] laneSteps = new long[lanes];
        for (int l = 0; l < lanes; l++) {
            laneSteps[l] = l * ScalarMath.GOLDEN_GAMMA;
        }
        LongVector steps = LongVector.fromArray(LONG, laneSteps, 0);
        parallel.forRange(x.numel(), 1 << 14, (start, end) -> {
            int i = start;
            for (int bound = start + (end - start) / lanes * lanes; i < bound; i += lanes) {
                LongVector z = steps.add(seed + (i + 1L) * ScalarMath.GOLDEN_GAMMA);
                z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 30)).mul(ScalarMath.MIX_1);
                z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 27)).mul(ScalarMath.MIX_2);
                z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 31)).lanewise(VectorOperators.LSHR, 11);
                VectorMask<Float> keep = z.compare(VectorOperators.GE, threshold).cast(PAIRED);
                FloatVector kept = FloatVector.fromArray(PAIRED, src, from + i).mul(scale);
                FloatVector.zero(PAIRED).blend(kept, keep).intoArray(dst, to + i);
            }
            for (; i < end; i++) {
                dst[to + i] = ScalarMath.uniformBits(seed, i) >= threshold ? src[from + i] * scale : 0f;
            }
        });
    }
}
