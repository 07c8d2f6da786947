package dev.cortado.tensor;

import static dev.cortado.tensor.TensorAssert.assertSame;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** cat, stack, split and chunk against PyTorch (fixtures from tools/reference/gen_indexing.py), on both backends. */
class JoiningFixtureTest {
    @TestFactory
    Stream<DynamicTest> matchesPyTorch() {
        return BackendCases.forEach(Fixtures.load("joining.json"), JoiningFixtureTest::check);
    }

    private static void check(Fixtures.Case c) {
        int dim = c.intArg("dim");
        switch (c.op()) {
            case "cat" -> assertSame(c.output("out"), Joining.cat(dim, inputs(c)), c.name());
            case "stack" -> assertSame(c.output("out"), Joining.stack(dim, inputs(c)), c.name());
            case "split" -> checkPieces(c, Joining.split(c.input("x"), c.intArg("splitSize"), dim));
            case "split_sizes" -> checkPieces(c, Joining.split(c.input("x"), c.intsArg("sizes"), dim));
            case "chunk" -> checkPieces(c, Joining.chunk(c.input("x"), c.intArg("chunks"), dim));
            default -> throw new IllegalArgumentException("unknown op " + c.op() + " in " + c.name());
        }
    }

    private static List<Tensor> inputs(Fixtures.Case c) {
        List<Tensor> tensors = new ArrayList<>();
        for (int i = 0; i < c.intArg("count"); i++) {
            tensors.add(c.input("t" + i));
        }
        return tensors;
    }

    private static void checkPieces(Fixtures.Case c, List<Tensor> pieces) {
        assertEquals(c.intArg("count"), pieces.size(), c.name() + ": number of pieces");
        for (int i = 0; i < pieces.size(); i++) {
            assertSame(c.output("out" + i), pieces.get(i), c.name() + ": piece " + i);
        }
    }
}
