#!/usr/bin/python3
"""Writes the Fashion-MNIST subset bundled with Cortado's training module.

Takes, in original file order, the first TRAIN_PER_CLASS training images of each class and the first
TEST_PER_CLASS test images of each class from the full Fashion-MNIST IDX files (Debian package
dataset-fashion-mnist), and writes the four IDX files, gzipped, into
training/src/main/resources/dev/cortado/training/data/fashion-mnist-subset/.

The selected images keep their relative order from the source file. The gzip header carries mtime 0 so the
output is byte-for-byte reproducible.

Usage: /usr/bin/python3 tools/data/fashion_mnist_subset.py [SOURCE_DIR]
       (SOURCE_DIR defaults to /usr/share/datasets/fashion-mnist). Standard library only.
"""
import gzip
import os
import struct
import sys

TRAIN_PER_CLASS = 300
TEST_PER_CLASS = 100
CLASSES = 10
IMAGES_MAGIC = 0x00000803
LABELS_MAGIC = 0x00000801

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(ROOT, "training", "src", "main", "resources", "dev", "cortado", "training", "data",
                       "fashion-mnist-subset")


def read_idx(path, magic, ndims):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    (found,) = struct.unpack(">I", raw[:4])
    if found != magic:
        sys.exit(f"{path}: magic {found:#010x}, expected {magic:#010x}")
    dims = struct.unpack(">" + "I" * ndims, raw[4:4 + 4 * ndims])
    body = raw[4 + 4 * ndims:]
    item = 1
    for d in dims[1:]:
        item *= d
    if len(body) != dims[0] * item:
        sys.exit(f"{path}: {len(body)} data bytes, header says {dims[0] * item}")
    return dims, item, body


def find(source, stem):
    for name in (stem + ".gz", stem):
        path = os.path.join(source, name)
        if os.path.exists(path):
            return path
    sys.exit(f"{source} lacks {stem}[.gz]; install the Debian package dataset-fashion-mnist")


def write_idx(path, magic, dims, body):
    header = struct.pack(">I", magic) + struct.pack(">" + "I" * len(dims), *dims)
    with open(path, "wb") as f:
        f.write(gzip.compress(header + body, compresslevel=9, mtime=0))


def subset(source, prefix, per_class):
    image_dims, item, images = read_idx(find(source, prefix + "-images-idx3-ubyte"), IMAGES_MAGIC, 3)
    label_dims, _, labels = read_idx(find(source, prefix + "-labels-idx1-ubyte"), LABELS_MAGIC, 1)
    if image_dims[0] != label_dims[0]:
        sys.exit(f"{prefix}: {image_dims[0]} images but {label_dims[0]} labels")
    taken = [0] * CLASSES
    chosen = []
    for i, label in enumerate(labels):
        if taken[label] < per_class:
            taken[label] += 1
            chosen.append(i)
    if taken != [per_class] * CLASSES:
        sys.exit(f"{prefix}: only {taken} images per class available")
    out_images = b"".join(images[i * item:(i + 1) * item] for i in chosen)
    out_labels = bytes(labels[i] for i in chosen)
    n = len(chosen)
    write_idx(os.path.join(OUT_DIR, prefix + "-images-idx3-ubyte.gz"), IMAGES_MAGIC,
              (n,) + tuple(image_dims[1:]), out_images)
    write_idx(os.path.join(OUT_DIR, prefix + "-labels-idx1-ubyte.gz"), LABELS_MAGIC, (n,), out_labels)
    print(f"{prefix}: {n} images ({per_class} per class), first labels {list(out_labels[:10])}")


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
    os.makedirs(OUT_DIR, exist_ok=True)
    subset(source, "train", TRAIN_PER_CLASS)
    subset(source, "t10k", TEST_PER_CLASS)
    total = sum(os.path.getsize(os.path.join(OUT_DIR, f)) for f in os.listdir(OUT_DIR) if f.endswith(".gz"))
    print(f"wrote {OUT_DIR}: {total} bytes gzipped")


if __name__ == "__main__":
    main()
