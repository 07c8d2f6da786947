package dev.cortado.nn;

import dev.cortado.autograd.Variable;

import java.util.Arrays;

/** The input check the pooling layers share. */
final class PoolShapes {
    private PoolShapes() {
    }

    /** Fails with the module's path unless x is {@code [N, C, H, W]} or {@code [C, H, W]}. */
    static void checkPlanes(Module module, Variable x) {
        if (x.dim() != 3 && x.dim() != 4) {
            throw new IllegalArgumentException(module.path() + " (" + module.getClass().getSimpleName()
                    + "): expected input of shape [N, C, H, W] or [C, H, W] but got " + Arrays.toString(x.shape()));
        }
    }
}
