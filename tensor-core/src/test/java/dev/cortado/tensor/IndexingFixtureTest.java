package dev.cortado.tensor;

import static dev.cortado.tensor.TensorAssert.assertClose;
import static dev.cortado.tensor.TensorAssert.assertSame;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Indexing ops against PyTorch (fixtures from tools/reference/gen_indexing.py), on both backends. */
class IndexingFixtureTest {
    /** Scatter-add sums a few float32 values; PyTorch adds them in the same order, this allows for less. */
    private static final double SUM_TOLERANCE = 1e-6;

    @TestFactory
    Stream<DynamicTest> matchesPyTorch() {
        return BackendCases.forEach(Fixtures.load("indexing.json"), IndexingFixtureTest::check);
    }

    private static void check(Fixtures.Case c) {
        switch (c.op()) {
            case "gather" -> assertSame(c.output("out"),
                    Indexing.gather(c.input("x"), c.intArg("dim"), c.input("index")), c.name());
            case "index_select" -> assertSame(c.output("out"),
                    Indexing.indexSelect(c.input("x"), c.intArg("dim"), c.input("index")), c.name());
            case "embedding" -> assertSame(c.output("out"),
                    Indexing.embedding(c.input("weight"), c.input("ids")), c.name());
            case "one_hot" -> assertSame(c.output("out"),
                    Indexing.oneHot(c.input("indices"), c.intArg("numClasses")), c.name());
            case "scatter_add" -> checkScatterAdd(c);
            case "topk" -> checkTopk(c);
            default -> throw new IllegalArgumentException("unknown op " + c.op() + " in " + c.name());
        }
    }

    private static void checkScatterAdd(Fixtures.Case c) {
        int dim = c.intArg("dim");
        Tensor expected = c.output("out");
        Tensor dst = c.input("dst");
        Tensor outOfPlace = Indexing.scatterAdd(dst, dim, c.input("index"), c.input("src"));
        assertClose(expected, outOfPlace, SUM_TOLERANCE, SUM_TOLERANCE, c.name() + " (out of place)");
        assertSame(c.input("dst"), dst, c.name() + ": out-of-place scatterAdd changed dst");
        // In place on the fixture's dst, which may be a permuted view of its base.
        Tensor inPlace = Indexing.scatterAddInPlace(dst, dim, c.input("index"), c.input("src"));
        assertClose(expected, inPlace, SUM_TOLERANCE, SUM_TOLERANCE, c.name() + " (in place)");
    }

    private static void checkTopk(Fixtures.Case c) {
        Indexing.TopK result = Indexing.topk(c.input("x"), c.intArg("k"), c.intArg("dim"), c.boolArg("largest"), true);
        assertSame(c.output("values"), result.values(), c.name() + " values");
        assertSame(c.output("indices"), result.indices(), c.name() + " indices");
    }
}
