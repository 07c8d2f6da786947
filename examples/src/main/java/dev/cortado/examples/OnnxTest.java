package dev.cortado.examples;

import dev.cortado.models.onnx.Conformance;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * {@code cortado onnx-test DIR…}: runs every ONNX backend test case (model.onnx + test_data_set_N) under the
 * directories, prints each failure with its max error, and ends with {@code N passed, N failed, N skipped}.
 * Exit code 1 when a case failed.
 */
final class OnnxTest {
    private OnnxTest() {
    }

    private static final String USAGE = "usage: cortado onnx-test DIR…  (e.g. /usr/share/libonnx-testdata/data/node)";

    static int run(String[] args, PrintStream out) {
        if (args.length == 0) {
            System.err.println(USAGE);
            return 2;
        }
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            out.println(USAGE);
            return 0;
        }
        List<Path> roots = Arrays.stream(args).map(Path::of).toList();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                System.err.println("cortado onnx-test: not a directory: " + root
                        + " (the ONNX test cases come with Debian's libonnx-testdata)");
                return 2;
            }
        }
        Conformance.Report report = Conformance.run(roots);
        for (Conformance.CaseResult result : report.cases()) {
            if (result.status() == Conformance.Status.FAILED) {
                out.println("FAIL " + result.name() + " (max error " + result.maxError() + "): " + result.message());
            }
        }
        out.println(report.summary());
        return report.count(Conformance.Status.FAILED) == 0 ? 0 : 1;
    }
}
