package dev.cortado.training.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Images in a folder per class: {@code root/<class name>/*.png|jpg|jpeg} (extension case ignored). Classes are
 * the sub-folders sorted by name, labelled 0, 1, …; within a class the files are sorted by name. Other files and
 * nested folders are ignored. Symbolic links are followed only while they stay inside {@code root}.
 *
 * <p>Images are decoded by {@link ImageFiles#read} on every {@link #get}, so the dataset holds only paths; a
 * damaged file surfaces there as an {@link UncheckedIOException} whose cause names the file. To be batched by
 * {@link DataLoader} the images must share one shape (or a transform must bring them to one).
 */
public final class ImageFolderDataset implements Dataset {
    private final Path root;
    private final List<String> classNames;
    private final List<Path> files;
    private final int[] labels;

    private ImageFolderDataset(Path root, List<String> classNames, List<Path> files, int[] labels) {
        this.root = root;
        this.classNames = List.copyOf(classNames);
        this.files = List.copyOf(files);
        this.labels = labels;
    }

    /**
     * Scans {@code root}.
     *
     * @throws DatasetNotFoundException when root is not a directory, or holds no class folder with an image
     * @throws DatasetFormatException   when a class folder or image is a symbolic link leading outside root
     */
    public static ImageFolderDataset open(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new DatasetNotFoundException("image folder " + root + " is not a directory (expected "
                    + "root/<class name>/*.png|jpg)");
        }
        Path realRoot = root.toRealPath();
        List<Path> classDirs;
        try (Stream<Path> entries = Files.list(root)) {
            classDirs = entries.filter(Files::isDirectory).sorted().toList();
        }
        List<String> names = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Path dir : classDirs) {
            requireInside(realRoot, root, dir);
            int label = names.size();
            names.add(dir.getFileName().toString());
            try (Stream<Path> entries = Files.list(dir)) {
                for (Path file : entries.filter(ImageFolderDataset::isImageFile).sorted().toList()) {
                    requireInside(realRoot, root, file);
                    files.add(file);
                    labels.add(label);
                }
            }
        }
        if (files.isEmpty()) {
            throw new DatasetNotFoundException("image folder " + root + " has no images: expected "
                    + "root/<class name>/*.png|jpg|jpeg, found " + classDirs.size() + " class folders");
        }
        return new ImageFolderDataset(root, names, files,
                labels.stream().mapToInt(Integer::intValue).toArray());
    }

    private static void requireInside(Path realRoot, Path root, Path entry) throws IOException {
        Path real = entry.toRealPath();
        if (!real.startsWith(realRoot)) {
            throw new DatasetFormatException(entry + ": a symbolic link leading outside the image folder " + root
                    + " (to " + real + ")");
        }
    }

    private static boolean isImageFile(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(file)
                && (name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg"));
    }

    /** The class names, indexed by label (folder names, sorted). */
    public List<String> classNames() {
        return classNames;
    }

    /** The image file of example {@code index}. */
    public Path file(int index) {
        return files.get(index);
    }

    public int label(int index) {
        return labels[index];
    }

    @Override
    public int size() {
        return files.size();
    }

    @Override
    public Example get(int index) {
        try {
            return new Example(ImageFiles.read(files.get(index)), labels[index]);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "ImageFolderDataset(" + root + ", " + files.size() + " images, " + classNames.size() + " classes)";
    }
}
