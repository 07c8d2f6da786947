package dev.cortado.nn;

import dev.cortado.autograd.Variable;
import dev.cortado.tensor.DType;
import dev.cortado.tensor.Tensor;

/** The nested model of tools/reference/gen_module.py, built the same way with the same names. */
public final class ReferenceNet {
    private ReferenceNet() {
    }

    /** Buffers only, like BatchNorm's running statistics. */
    public static final class Stats extends Module {
        public Stats(int features) {
            registerBuffer("running_mean", Tensor.zeros(features));
            registerBuffer("num_batches_tracked", Tensor.empty(DType.INT64));
        }
    }

    /** ln(x + drop(fc2(gelu(fc1(x))))). */
    public static final class Block extends Module {
        final Linear fc1;
        final GELU act;
        final Linear fc2;
        final Dropout drop;
        final LayerNorm ln;

        public Block(long seed) {
            fc1 = registerModule("fc1", new Linear(8, 16, Init.derive(seed, 0)));
            act = registerModule("act", new GELU());
            fc2 = registerModule("fc2", new Linear(16, 8, Init.derive(seed, 1)));
            drop = registerModule("drop", new Dropout(0.1f, Init.derive(seed, 2)));
            ln = registerModule("ln", new LayerNorm(8));
        }

        @Override
        public Variable forward(Variable x) {
            return ln.forward(x.add(drop.forward(fc2.forward(act.forward(fc1.forward(x))))));
        }
    }

    public static final class Encoder extends Module {
        final ModuleList<Block> layers;

        public Encoder(long seed) {
            layers = registerModule("layers", new ModuleList<>());
            layers.add(new Block(Init.derive(seed, 0))).add(new Block(Init.derive(seed, 1)));
            registerModule("stats", new Stats(8));
        }

        @Override
        public Variable forward(Variable x) {
            Variable out = x;
            for (Block block : layers) {
                out = block.forward(out);
            }
            return out;
        }
    }

    /** probs(norm(head(encoder(embed(x))).reshape(-1, 2, 3))) for x [N, 4]. */
    public static final class Net extends Module {
        final Sequential embed;
        final Encoder encoder;
        final Linear head;
        final LayerNorm norm;
        final Softmax probs;

        public Net(long seed) {
            embed = registerModule("embed", new Sequential(new Linear(4, 8, Init.derive(seed, 0)), new ReLU()));
            encoder = registerModule("encoder", new Encoder(Init.derive(seed, 1)));
            head = registerModule("head", new Linear(8, 6, false, Init.derive(seed, 2)));
            norm = registerModule("norm", new LayerNorm(new int[] {2, 3}, 1e-6f, true));
            probs = registerModule("probs", new Softmax(-1));
        }

        @Override
        public Variable forward(Variable x) {
            return probs.forward(norm.forward(head.forward(encoder.forward(embed.forward(x))).reshape(-1, 2, 3)));
        }
    }
}
