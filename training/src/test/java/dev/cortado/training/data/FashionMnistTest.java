package dev.cortado.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cortado.tensor.Tensor;
import dev.cortado.training.data.FashionMnist.Split;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {
    @TempDir
    Path dir;

    @Test
    void debianFilesWhenInstalled() throws IOException {
        assumeTrue(Files.isDirectory(FashionMnist.DEBIAN_DIR), "dataset-fashion-mnist not installed");
        UInt8ImageDataset train = FashionMnist.loadDebian(Split.TRAIN);
        UInt8ImageDataset test = FashionMnist.loadDebian(Split.TEST);
        assertEquals(60000, train.size());
        assertEquals(10000, test.size());
        // Known first labels of Fashion-MNIST: Ankle boot (9) for both splits.
        assertEquals(9, train.label(0));
        assertEquals(9, test.label(0));
        assertEquals(6000, train.indicesOfClasses(3).length);
        assertArrayEquals(new int[] {1, 28, 28}, train.get(0).input().shape());
    }

    @Test
    void bundledSubset() throws IOException {
        UInt8ImageDataset train = FashionMnist.bundled(Split.TRAIN);
        UInt8ImageDataset test = FashionMnist.bundled(Split.TEST);
        assertEquals(3000, train.size());
        assertEquals(1000, test.size());
        for (int c = 0; c < 10; c++) {
            assertEquals(300, train.indicesOfClasses(c).length, "train class " + c);
            assertEquals(100, test.indicesOfClasses(c).length, "test class " + c);
        }
        // The subset keeps the original order, so it starts like the full files (tools/data/fashion_mnist_subset.py
        // printed these): train 9 0 0 3 0, test 9 2 1 1 6.
        assertArrayEquals(new int[] {9, 0, 0, 3, 0}, firstLabels(train, 5));
        assertArrayEquals(new int[] {9, 2, 1, 1, 6}, firstLabels(test, 5));
        Tensor image = train.get(0).input();
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : image.toFloatArray()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertTrue(min >= 0 && max <= 1 && max > 0.5f, "pixels in [0, 1]: " + min + ".." + max);
    }

    @Test
    void bundledSubsetEqualsTheFirstImagesOfTheFullFile() throws IOException {
        assumeTrue(Files.isDirectory(FashionMnist.DEBIAN_DIR), "dataset-fashion-mnist not installed");
        UInt8ImageDataset full = FashionMnist.loadDebian(Split.TEST);
        UInt8ImageDataset subset = FashionMnist.bundled(Split.TEST);
        // Test image 0 (label 9) is the first of its class, so it must be subset image 0.
        assertArrayEquals(full.get(0).input().toFloatArray(), subset.get(0).input().toFloatArray());
    }

    @Test
    void missingFilesSayWhatToInstall() {
        var e = assertThrows(DatasetNotFoundException.class, () -> FashionMnist.load(dir, Split.TRAIN));
        assertTrue(e.getMessage().contains("dataset-fashion-mnist") && e.getMessage().contains("--data DIR")
                && e.getMessage().contains(dir.toString()), e.getMessage());
    }

    @Test
    void loadsPlainFilesAndChecksLabelsAndCounts() throws IOException {
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), IdxReaderTest.images(3, 28, 28));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), IdxReaderTest.gzip(IdxReaderTest.labels(1, 2, 3)));
        UInt8ImageDataset data = FashionMnist.load(dir, Split.TEST);
        assertEquals(3, data.size());
        assertEquals(2, data.label(1));
        // Pixel k of the written file is k mod 251; image 1 starts at k = 784, value 784 mod 251 = 31.
        assertEquals(31 / 255f, data.get(1).input().get(0, 0, 0), 0f);

        Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), IdxReaderTest.gzip(IdxReaderTest.labels(1, 12, 3)));
        var e = assertThrows(DatasetFormatException.class, () -> FashionMnist.load(dir, Split.TEST));
        assertTrue(e.getMessage().contains("offset 9: label 12"), e.getMessage());

        Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), IdxReaderTest.gzip(IdxReaderTest.labels(1, 2)));
        e = assertThrows(DatasetFormatException.class, () -> FashionMnist.load(dir, Split.TEST));
        assertTrue(e.getMessage().contains("2 labels") && e.getMessage().contains("3 images"), e.getMessage());
    }

    private static int[] firstLabels(UInt8ImageDataset data, int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = data.label(i);
        }
        return out;
    }
}
