package dev.cortado.training.data;

import dev.cortado.training.data.IdxReader.IdxArray;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017; MIT licence, Zalando SE): 28×28 grayscale images of 10
 * clothing classes, 60,000 for training and 10,000 for testing, as IDX files.
 *
 * <p>Three sources: a directory with the four standard files ({@code train-images-idx3-ubyte[.gz]},
 * {@code train-labels-idx1-ubyte[.gz]}, {@code t10k-images-idx3-ubyte[.gz]}, {@code t10k-labels-idx1-ubyte[.gz]}),
 * the Debian package {@code dataset-fashion-mnist} at {@link #DEBIAN_DIR}, and a subset bundled on the class
 * path (300 training and 100 test images per class, see its README.md). Images load as
 * {@link UInt8ImageDataset} of shape [1, 28, 28].
 */
public final class FashionMnist {
    /** The class names, indexed by label. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    /** Where Debian's {@code dataset-fashion-mnist} installs the files. */
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    /** Class-path folder of the bundled subset. */
    static final String BUNDLED_RESOURCE = "fashion-mnist-subset/";

    private static final int SIDE = 28;

    /** The two standard splits; {@code prefix} is the file-name prefix. */
    public enum Split {
        TRAIN("train"), TEST("t10k");

        private final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }

        String imagesFile() {
            return prefix + "-images-idx3-ubyte";
        }

        String labelsFile() {
            return prefix + "-labels-idx1-ubyte";
        }
    }

    private FashionMnist() {
    }

    /**
     * Loads {@code split} from {@code dir}, taking each file gzipped ({@code .gz}) or not.
     *
     * @throws DatasetNotFoundException when a file is missing; the message says how to get the data
     * @throws DatasetFormatException   when a file is corrupt
     */
    public static UInt8ImageDataset load(Path dir, Split split) throws IOException {
        Path images = find(dir, split.imagesFile());
        Path labels = find(dir, split.labelsFile());
        return assemble(IdxReader.readImages(images), images.toString(), IdxReader.readLabels(labels),
                labels.toString());
    }

    /** Loads {@code split} from {@link #DEBIAN_DIR}. */
    public static UInt8ImageDataset loadDebian(Split split) throws IOException {
        return load(DEBIAN_DIR, split);
    }

    /** Loads {@code split} of the subset bundled on the class path (3,000 training / 1,000 test images). */
    public static UInt8ImageDataset bundled(Split split) throws IOException {
        String imagesName = BUNDLED_RESOURCE + split.imagesFile() + ".gz";
        String labelsName = BUNDLED_RESOURCE + split.labelsFile() + ".gz";
        return assemble(readResource(imagesName, IdxReader.IMAGES_MAGIC), imagesName,
                readResource(labelsName, IdxReader.LABELS_MAGIC), labelsName);
    }

    private static IdxArray readResource(String name, int magic) throws IOException {
        try (InputStream in = FashionMnist.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new DatasetNotFoundException("the bundled Fashion-MNIST subset lacks class-path resource "
                        + name + " next to " + FashionMnist.class.getName());
            }
            return IdxReader.read(in, "class-path resource " + name, magic);
        }
    }

    private static Path find(Path dir, String stem) throws DatasetNotFoundException {
        for (Path candidate : List.of(dir.resolve(stem + ".gz"), dir.resolve(stem))) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new DatasetNotFoundException("Fashion-MNIST: " + dir + " has no " + stem + "[.gz]. Install the Debian "
                + "package dataset-fashion-mnist (apt-get install dataset-fashion-mnist, files in " + DEBIAN_DIR
                + ") or pass --data DIR with the four IDX files");
    }

    private static UInt8ImageDataset assemble(IdxArray images, String imagesName, IdxArray labels, String labelsName)
            throws DatasetFormatException {
        if (images.dim(1) != SIDE || images.dim(2) != SIDE) {
            throw new DatasetFormatException(imagesName + ": at byte offset 8: images are " + images.dim(1) + "×"
                    + images.dim(2) + ", Fashion-MNIST has " + SIDE + "×" + SIDE);
        }
        if (images.dim(0) != labels.dim(0)) {
            throw new DatasetFormatException(labelsName + ": at byte offset 4: " + labels.dim(0) + " labels but "
                    + imagesName + " holds " + images.dim(0) + " images");
        }
        byte[] labelBytes = labels.data();
        for (int i = 0; i < labelBytes.length; i++) {
            int label = labelBytes[i] & 0xff;
            if (label >= CLASS_NAMES.size()) {
                // The body starts after the 4-byte magic and the one 4-byte dimension.
                throw new DatasetFormatException(labelsName + ": at byte offset " + (8 + i) + ": label " + label
                        + " outside [0, " + CLASS_NAMES.size() + ")");
            }
        }
        return new UInt8ImageDataset(images.data(), labelBytes, 1, SIDE, SIDE);
    }
}
