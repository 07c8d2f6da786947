package dev.cortado.autograd;

import dev.cortado.tensor.Tensor;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Central-difference checks of concatenation and splitting (tolerances: standard). */
class JoinOpsGradTest {
    private static final GradCheck CHECK = GradCheck.standard();

    @Test
    void catAndStack() {
        CHECK.check("cat dim 1", v -> JoinOps.cat(1, List.of(v[0], v[1], v[2])),
                Tensor.randn(1, 2, 1, 3), Tensor.randn(2, 2, 3, 3), Tensor.randn(3, 2, 2, 3));
        CHECK.check("cat dim -1, one input twice", v -> JoinOps.cat(-1, List.of(v[0], v[1], v[0])),
                Tensor.randn(4, 2, 3), Tensor.randn(5, 2, 1));
        CHECK.check("stack dim 1", v -> JoinOps.stack(1, List.of(v[0], v[1])), Tensor.randn(6, 2, 3), Tensor.randn(7, 2, 3));
        CHECK.check("stack dim -1", v -> JoinOps.stack(-1, List.of(v[0], v[1])), Tensor.randn(8, 2, 3), Tensor.randn(9, 2, 3));
    }

    /** The pieces put back in a different order, one scaled, so every piece's gradient is distinct. */
    private static Variable reassemble(List<Variable> pieces, int dim) {
        Variable first = MathOps.mul(pieces.get(0), 3f);
        List<Variable> rest = pieces.subList(1, pieces.size());
        return JoinOps.cat(dim, java.util.stream.Stream.concat(rest.stream(), java.util.stream.Stream.of(first)).toList());
    }

    @Test
    void splitAndChunk() {
        Tensor x = Tensor.randn(10, 3, 7);
        Function<Variable[], Variable> bySizes = v -> reassemble(JoinOps.split(v[0], new int[] {2, 4, 1}, 1), 1);
        CHECK.check("split sizes", bySizes, x);
        CHECK.check("split size 3 (last smaller)", v -> reassemble(JoinOps.split(v[0], 3, -1), -1), x);
        CHECK.check("chunk 2 along dim 0", v -> reassemble(JoinOps.chunk(v[0], 2, 0), 0), x);
        CHECK.check("one piece only", v -> JoinOps.split(v[0], new int[] {3, 4}, 1).get(1), x);
    }
}
