package dev.cortado.tensor;

import dev.cortado.tensor.backend.Backends;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * An n-dimensional array: a shape, strides and an offset over a shared {@link Storage}.
 *
 * <p>Element {@code (i0, …, ik)} lives at {@code offset + Σ id·strides[d]} of the storage array. Reshape,
 * permute, transpose, slice, expand, squeeze and unsqueeze return views over the same storage without
 * copying; {@link #contiguous()} copies only when the layout is not already dense row-major.
 *
 * <pre>{@code
 * Tensor x = Tensor.arange(0, 6, 1).reshape(2, 3);   // [[0, 1, 2], [3, 4, 5]]
 * Tensor t = x.transpose(0, 1);                       // a view, shape [3, 2]
 * Tensor y = Elementwise.add(t, Tensor.scalar(1f));   // broadcasting
 * }</pre>
 *
 * <p>Operations live in functional classes beside this one ({@link Elementwise}, {@link Reductions},
 * {@link LinearAlgebra}, …) and dispatch to the current {@link dev.cortado.tensor.backend.Backend}.
 */
public final class Tensor {
    private final Storage storage;
    private final int[] shape;
    private final int[] strides;
    private final int offset;

    Tensor(Storage storage, int[] shape, int[] strides, int offset) {
        this.storage = storage;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
    }

    // ---------------------------------------------------------------- factories

    /** A new dense tensor of the given type filled with zeros (false for BOOL). */
    public static Tensor empty(DType dtype, int... shape) {
        int[] dims = shape.clone();
        int n = Shapes.numel(dims);
        return new Tensor(Storage.allocate(dtype, n), dims, Shapes.contiguousStrides(dims), 0);
    }

    public static Tensor zeros(int... shape) {
        return empty(DType.FLOAT32, shape);
    }

    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    public static Tensor full(float value, int... shape) {
        Tensor t = zeros(shape);
        Arrays.fill(t.storage.floats(), value);
        return t;
    }

    /** A 0-dimensional float tensor. */
    public static Tensor scalar(float value) {
        return new Tensor(Storage.wrap(new float[] {value}), new int[0], new int[0], 0);
    }

    /** Values start, start+step, … below end (above end for a negative step), as in torch.arange. */
    public static Tensor arange(float start, float end, float step) {
        if (step == 0 || !Float.isFinite(step) || !Float.isFinite(start) || !Float.isFinite(end)) {
            throw new IllegalArgumentException("arange: need finite start/end and a non-zero step, got start="
                    + start + " end=" + end + " step=" + step);
        }
        double count = Math.ceil(((double) end - start) / step);
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("arange: " + count + " elements is too many");
        }
        int n = (int) Math.max(0, count);
        float[] data = new float[n];
        for (int i = 0; i < n; i++) {
            data[i] = (float) (start + (double) i * step);
        }
        return fromArray(data, n);
    }

    /** Wraps {@code data} (not copied) as a dense tensor of the given shape. */
    public static Tensor fromArray(float[] data, int... shape) {
        return wrap(Storage.wrap(data), data.length, shape);
    }

    /** Wraps {@code data} (not copied) as a dense int64 tensor. */
    public static Tensor fromLongs(long[] data, int... shape) {
        return wrap(Storage.wrap(data), data.length, shape);
    }

    /** Wraps {@code data} (not copied) as a dense boolean tensor. */
    public static Tensor fromBooleans(boolean[] data, int... shape) {
        return wrap(Storage.wrap(data), data.length, shape);
    }

    private static Tensor wrap(Storage storage, int length, int[] shape) {
        int[] dims = shape.clone();
        int n = Shapes.numel(dims);
        if (n != length) {
            throw new IllegalArgumentException("fromArray: " + length + " values do not fill shape "
                    + Shapes.str(dims) + " (" + n + " elements)");
        }
        return new Tensor(storage, dims, Shapes.contiguousStrides(dims), 0);
    }

    /** Uniform samples in [0, 1) from a SplitMix64 stream seeded with {@code seed}. */
    public static Tensor rand(long seed, int... shape) {
        Tensor t = zeros(shape);
        float[] data = t.storage.floats();
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextDouble();
        }
        return t;
    }

    /** Standard normal samples (Box–Muller over a SplitMix64 stream seeded with {@code seed}). */
    public static Tensor randn(long seed, int... shape) {
        Tensor t = zeros(shape);
        float[] data = t.storage.floats();
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < data.length; i += 2) {
            // Box–Muller: r = sqrt(-2 ln u1), z0 = r cos(2π u2), z1 = r sin(2π u2); 1 - u keeps u1 in (0, 1].
            double radius = Math.sqrt(-2 * Math.log(1 - random.nextDouble()));
            double angle = 2 * Math.PI * random.nextDouble();
            data[i] = (float) (radius * Math.cos(angle));
            if (i + 1 < data.length) {
                data[i + 1] = (float) (radius * Math.sin(angle));
            }
        }
        return t;
    }

    // ---------------------------------------------------------------- metadata

    public DType dtype() {
        return storage.dtype();
    }

    public int[] shape() {
        return shape.clone();
    }

    public int[] strides() {
        return strides.clone();
    }

    public int offset() {
        return offset;
    }

    public int dim() {
        return shape.length;
    }

    /** Size of dimension {@code d} (negative counts from the end). */
    public int size(int d) {
        return shape[dimOf("size", d)];
    }

    /** Stride of dimension {@code d} (negative counts from the end). */
    public int stride(int d) {
        return strides[dimOf("stride", d)];
    }

    /** {@code d} normalized for an op that needs a real dim: a 0-d tensor has none. */
    private int dimOf(String op, int d) {
        if (shape.length == 0) {
            throw new IllegalArgumentException(op + ": dim " + d + " of a 0-d tensor (shape [])");
        }
        return Shapes.normalizeDim(op, d, shape.length);
    }

    public int numel() {
        return Shapes.numel(shape);
    }

    public Storage storage() {
        return storage;
    }

    /** True when the elements are dense and row-major, so index {@code i} is at {@code offset + i}. */
    public boolean isContiguous() {
        int expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && strides[d] != expected) {
                return false;
            }
            expected *= shape[d];
        }
        return true;
    }

    /**
     * The shared float array (index it with offset and strides), first brought up to date from a device copy
     * if one is newer ({@link Storage#syncToHost()}). A caller that writes to it must then call
     * {@link #markModified()} so that a device copy is known to be stale. Fails for other dtypes.
     */
    public float[] floatData() {
        requireDType("floatData", DType.FLOAT32);
        return storage.floats();
    }

    /** The shared int64 array (index it with offset and strides). Fails for other dtypes. */
    public long[] longData() {
        requireDType("longData", DType.INT64);
        return storage.longs();
    }

    /** The shared boolean array (index it with offset and strides). Fails for other dtypes. */
    public boolean[] booleanData() {
        requireDType("booleanData", DType.BOOL);
        return storage.booleans();
    }

    /** Fails with a message naming {@code op} unless this tensor has the given dtype. */
    public Tensor requireDType(String op, DType expected) {
        if (dtype() != expected) {
            throw new IllegalArgumentException(op + ": expected a " + expected + " tensor, got " + dtype()
                    + " with shape " + Shapes.str(shape));
        }
        return this;
    }

    /**
     * Marks the storage as written in place on the host (see {@link Storage#version()}): a device copy, if
     * the storage has one, becomes stale.
     */
    public void markModified() {
        storage.bumpVersion();
    }

    // ---------------------------------------------------------------- element access

    /** Storage index of the element at {@code index} (one entry per dim, negatives not allowed). */
    public int storageIndex(int... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index " + Arrays.toString(index) + " has " + index.length
                    + " entries for a tensor of shape " + Shapes.str(shape));
        }
        int at = offset;
        for (int d = 0; d < index.length; d++) {
            if (index[d] < 0 || index[d] >= shape[d]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " out of bounds for shape "
                        + Shapes.str(shape));
            }
            at += index[d] * strides[d];
        }
        return at;
    }

    public float get(int... index) {
        return floatData()[storageIndex(index)];
    }

    public long getLong(int... index) {
        return longData()[storageIndex(index)];
    }

    public boolean getBoolean(int... index) {
        return booleanData()[storageIndex(index)];
    }

    public void set(float value, int... index) {
        floatData()[storageIndex(index)] = value;
        markModified();
    }

    /** The single value of a one-element float tensor. */
    public float item() {
        if (numel() != 1) {
            throw new IllegalArgumentException("item: tensor of shape " + Shapes.str(shape) + " has " + numel()
                    + " elements, not 1");
        }
        return floatData()[storageIndex(new int[shape.length])];
    }

    /** A fresh dense copy of the values in row-major order. */
    public float[] toFloatArray() {
        requireDType("toFloatArray", DType.FLOAT32);
        return copy().storage.floats();
    }

    public long[] toLongArray() {
        requireDType("toLongArray", DType.INT64);
        return copy().storage.longs();
    }

    public boolean[] toBooleanArray() {
        requireDType("toBooleanArray", DType.BOOL);
        return copy().storage.booleans();
    }

    // ---------------------------------------------------------------- copies

    /** This tensor if it is dense row-major with no offset, else a dense copy. */
    public Tensor contiguous() {
        if (isContiguous() && offset == 0 && storage.length() == numel()) {
            return this;
        }
        return copy();
    }

    /** A dense copy with its own storage. */
    public Tensor copy() {
        return to(dtype());
    }

    /** A dense copy converted to {@code target} (float→int64 truncates toward zero; bool is x != 0). */
    public Tensor to(DType target) {
        Tensor out = empty(target, shape);
        Backends.current().copy(this, out);
        return out;
    }

    /**
     * Writes {@code source}, broadcast to this shape, into this tensor (or view) in place. This may not be a
     * broadcast view (stride 0), whose elements alias each other; a source sharing this storage is read first.
     */
    public Tensor copyFrom(Tensor source) {
        requireDistinctElements("copyFrom: target");
        if (!Arrays.equals(Shapes.broadcast("copyFrom", source.shape, shape), shape)) {
            throw new IllegalArgumentException("copyFrom: source of shape " + Shapes.str(source.shape)
                    + " does not broadcast to the target shape " + Shapes.str(shape));
        }
        Tensor src = source.expand(shape);
        if (src.storage == storage) {
            src = src.copy();   // overlapping views would read values already overwritten
        }
        Backends.current().copy(src, this);
        markModified();
        return this;
    }

    /**
     * Refuses this tensor as the target of an in-place write when it is a broadcast view (a stride-0 dim of size
     * above 1), whose elements alias each other; {@code what} starts the message ("op: role").
     */
    void requireDistinctElements(String what) {
        for (int d = 0; d < shape.length; d++) {
            if (strides[d] == 0 && shape[d] > 1) {
                throw new IllegalArgumentException(what + " of shape " + Shapes.str(shape) + " with strides "
                        + Shapes.str(strides) + " is a broadcast view whose elements alias each other");
            }
        }
    }

    // ---------------------------------------------------------------- views

    /**
     * The same elements with a new shape; one size may be -1 (inferred). Returns a view when the strides
     * allow it, else a copy (use {@link #view(int...)} to forbid copying).
     */
    public Tensor reshape(int... newShape) {
        int[] dims = inferShape("reshape", newShape);
        int[] viewStrides = viewStrides(dims);
        if (viewStrides != null) {
            return new Tensor(storage, dims, viewStrides, offset);
        }
        Tensor dense = copy();
        return new Tensor(dense.storage, dims, Shapes.contiguousStrides(dims), 0);
    }

    /** Like {@link #reshape(int...)} but never copies; fails when the layout does not allow a view. */
    public Tensor view(int... newShape) {
        int[] dims = inferShape("view", newShape);
        int[] viewStrides = viewStrides(dims);
        if (viewStrides == null) {
            throw new IllegalArgumentException("view: shape " + Shapes.str(dims) + " is incompatible with shape "
                    + Shapes.str(shape) + " and strides " + Shapes.str(strides) + "; use reshape() to copy");
        }
        return new Tensor(storage, dims, viewStrides, offset);
    }

    /** Collapses all dims into one. */
    public Tensor flatten() {
        return reshape(numel());
    }

    private int[] inferShape(String op, int[] requested) {
        int[] dims = requested.clone();
        int inferred = -1;
        long known = 1;
        for (int d = 0; d < dims.length; d++) {
            if (dims[d] == -1) {
                if (inferred >= 0) {
                    throw new IllegalArgumentException(op + ": only one size may be -1 in " + Shapes.str(requested));
                }
                inferred = d;
            } else if (dims[d] < 0) {
                throw new IllegalArgumentException(op + ": negative size in " + Shapes.str(requested));
            } else {
                known *= dims[d];
            }
        }
        int n = numel();
        if (inferred >= 0) {
            if (known == 0 || n % known != 0) {
                throw new IllegalArgumentException(op + ": cannot infer -1 in " + Shapes.str(requested)
                        + " for " + n + " elements of shape " + Shapes.str(shape));
            }
            dims[inferred] = (int) (n / known);
        } else if (known != n) {
            throw new IllegalArgumentException(op + ": shape " + Shapes.str(requested) + " (" + known
                    + " elements) does not match shape " + Shapes.str(shape) + " (" + n + " elements)");
        }
        return dims;
    }

    /**
     * Strides that present this tensor's elements in the new shape without copying, or null if none exist.
     * Walks the old dims in groups that are contiguous among themselves and splits each group into the
     * new dims that multiply to the same size.
     */
    private int[] viewStrides(int[] newShape) {
        int[] result = new int[newShape.length];
        if (numel() == 0) {
            return Shapes.contiguousStrides(newShape);
        }
        // Drop size-1 dims of the old shape: they constrain nothing.
        int[] oldSizes = new int[shape.length];
        int[] oldStrides = new int[shape.length];
        int oldRank = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] != 1) {
                oldSizes[oldRank] = shape[d];
                oldStrides[oldRank] = strides[d];
                oldRank++;
            }
        }
        int newDim = 0;
        int oldDim = 0;
        while (oldDim < oldRank) {
            // Group old dims [oldDim, groupEnd] that are mutually contiguous.
            int groupEnd = oldDim;
            long groupSize = oldSizes[oldDim];
            while (groupEnd + 1 < oldRank
                    && oldStrides[groupEnd] == (long) oldStrides[groupEnd + 1] * oldSizes[groupEnd + 1]) {
                groupEnd++;
                groupSize *= oldSizes[groupEnd];
            }
            int innerStride = oldStrides[groupEnd];
            // Take new dims until their product equals the group size; assign strides from the inside out.
            int firstNew = newDim;
            long product = 1;
            while (newDim < newShape.length && product < groupSize) {
                product *= newShape[newDim];
                newDim++;
            }
            if (product != groupSize) {
                return null;
            }
            int stride = innerStride;
            for (int d = newDim - 1; d >= firstNew; d--) {
                result[d] = stride;
                stride *= newShape[d];
            }
            oldDim = groupEnd + 1;
        }
        // Remaining new dims must all be size 1.
        for (; newDim < newShape.length; newDim++) {
            if (newShape[newDim] != 1) {
                return null;
            }
            result[newDim] = 1;
        }
        return result;
    }

    /** Reorders the dims: result dim i is this tensor's dim {@code order[i]}. */
    public Tensor permute(int... order) {
        if (order.length != shape.length) {
            throw new IllegalArgumentException("permute: order " + Arrays.toString(order) + " has " + order.length
                    + " dims for a tensor of shape " + Shapes.str(shape));
        }
        int[] newShape = new int[order.length];
        int[] newStrides = new int[order.length];
        boolean[] seen = new boolean[order.length];
        for (int i = 0; i < order.length; i++) {
            int d = Shapes.normalizeDim("permute", order[i], shape.length);
            if (seen[d]) {
                throw new IllegalArgumentException("permute: dim " + d + " repeated in " + Arrays.toString(order));
            }
            seen[d] = true;
            newShape[i] = shape[d];
            newStrides[i] = strides[d];
        }
        return new Tensor(storage, newShape, newStrides, offset);
    }

    /** Swaps two dims (a view). */
    public Tensor transpose(int dim0, int dim1) {
        int a = Shapes.normalizeDim("transpose", dim0, shape.length);
        int b = Shapes.normalizeDim("transpose", dim1, shape.length);
        if (shape.length == 0) {
            return this;   // as PyTorch: dims 0 and -1 of a scalar name the scalar itself
        }
        int[] order = new int[shape.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        order[a] = b;
        order[b] = a;
        return permute(order);
    }

    /** Transpose of a 2-D tensor (a view). */
    public Tensor t() {
        if (shape.length != 2) {
            throw new IllegalArgumentException("t: expected a 2-D tensor, got shape " + Shapes.str(shape));
        }
        return transpose(0, 1);
    }

    /**
     * Elements {@code start, start+step, …} below {@code end} along {@code dim}, as Python's
     * {@code x[start:end:step]}: negative bounds count from the end and bounds are clamped to the size.
     */
    public Tensor slice(int dim, int start, int end, int step) {
        int d = dimOf("slice", dim);
        if (step <= 0) {
            throw new IllegalArgumentException("slice: step must be positive, got " + step);
        }
        int size = shape[d];
        int from = clampIndex(start, size);
        int to = Math.max(from, clampIndex(end, size));
        int length = to == from ? 0 : (to - from - 1) / step + 1;   // no overflow for a huge step
        int[] newShape = shape.clone();
        int[] newStrides = strides.clone();
        newShape[d] = length;
        newStrides[d] = strides[d] * step;
        return new Tensor(storage, newShape, newStrides, offset + from * strides[d]);
    }

    private static int clampIndex(int index, int size) {
        int i = index < 0 ? index + size : index;
        return Math.min(Math.max(i, 0), size);
    }

    /** {@code length} elements from {@code start} along {@code dim} (a view; bounds must fit). */
    public Tensor narrow(int dim, int start, int length) {
        int d = dimOf("narrow", dim);
        if (start < 0 || length < 0 || length > shape[d] - start) {
            throw new IndexOutOfBoundsException("narrow: start " + start + " length " + length + " exceed size "
                    + shape[d] + " of dim " + d + " in shape " + Shapes.str(shape));
        }
        return slice(d, start, start + length, 1);
    }

    /** Selects index {@code index} along {@code dim}, dropping that dim (a view). */
    public Tensor select(int dim, int index) {
        int d = dimOf("select", dim);
        int i = index < 0 ? index + shape[d] : index;
        if (i < 0 || i >= shape[d]) {
            throw new IndexOutOfBoundsException("select: index " + index + " out of range for size " + shape[d]
                    + " of dim " + d + " in shape " + Shapes.str(shape));
        }
        return narrow(d, i, 1).squeeze(d);
    }

    /**
     * Broadcasts to {@code newShape} without copying (stride 0 on expanded dims). Leading dims may be
     * added; -1 keeps a size; only size-1 dims can grow.
     */
    public Tensor expand(int... newShape) {
        if (newShape.length < shape.length) {
            throw new IllegalArgumentException("expand: cannot expand shape " + Shapes.str(shape) + " to fewer dims "
                    + Shapes.str(newShape));
        }
        int lead = newShape.length - shape.length;
        int[] dims = new int[newShape.length];
        int[] newStrides = new int[newShape.length];
        for (int i = 0; i < newShape.length; i++) {
            int target = newShape[i];
            if (i < lead) {
                if (target < 0) {
                    throw new IllegalArgumentException("expand: size -1 not allowed for new leading dim " + i
                            + " in " + Shapes.str(newShape));
                }
                dims[i] = target;
                newStrides[i] = 0;
                continue;
            }
            int own = shape[i - lead];
            if (target == -1 || target == own) {
                dims[i] = own;
                newStrides[i] = strides[i - lead];
            } else if (own == 1 && target >= 0) {
                dims[i] = target;
                newStrides[i] = 0;
            } else {
                throw new IllegalArgumentException("expand: shape " + Shapes.str(shape) + " cannot be expanded to "
                        + Shapes.str(newShape) + " (dim " + i + ": " + own + " -> " + target + ")");
            }
        }
        return new Tensor(storage, dims, newStrides, offset);
    }

    /** NumPy name for {@link #expand(int...)}. */
    public Tensor broadcastTo(int... newShape) {
        return expand(newShape);
    }

    /** Removes every size-1 dim. */
    public Tensor squeeze() {
        int rank = 0;
        for (int size : shape) {
            if (size != 1) {
                rank++;
            }
        }
        int[] dims = new int[rank];
        int[] newStrides = new int[rank];
        int j = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] != 1) {
                dims[j] = shape[d];
                newStrides[j] = strides[d];
                j++;
            }
        }
        return new Tensor(storage, dims, newStrides, offset);
    }

    /** Removes {@code dim} if its size is 1 (else returns this view unchanged, as PyTorch does). */
    public Tensor squeeze(int dim) {
        int d = Shapes.normalizeDim("squeeze", dim, shape.length);
        if (shape.length == 0 || shape[d] != 1) {
            return this;
        }
        int[] dims = new int[shape.length - 1];
        int[] newStrides = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != d) {
                dims[j] = shape[i];
                newStrides[j] = strides[i];
                j++;
            }
        }
        return new Tensor(storage, dims, newStrides, offset);
    }

    /** Inserts a size-1 dim at {@code dim} (which may be {@code dim()} to append). */
    public Tensor unsqueeze(int dim) {
        int d = Shapes.normalizeDim("unsqueeze", dim, shape.length + 1);
        int[] dims = new int[shape.length + 1];
        int[] newStrides = new int[shape.length + 1];
        for (int i = 0, j = 0; i < dims.length; i++) {
            if (i == d) {
                dims[i] = 1;
                newStrides[i] = j < shape.length ? strides[j] * shape[j] : 1;
            } else {
                dims[i] = shape[j];
                newStrides[i] = strides[j];
                j++;
            }
        }
        return new Tensor(storage, dims, newStrides, offset);
    }

    // ---------------------------------------------------------------- printing

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor(shape=").append(Shapes.str(shape)).append(", dtype=")
                .append(dtype()).append(", data=[");
        int n = numel();
        int shown = Math.min(n, 8);
        Tensor flat = reshape(n);
        for (int i = 0; i < shown; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            switch (dtype()) {
                case FLOAT32 -> sb.append(flat.get(i));
                case INT64 -> sb.append(flat.getLong(i));
                case BOOL -> sb.append(flat.getBoolean(i));
            }
        }
        if (n > shown) {
            sb.append(", … (").append(n).append(" values)");
        }
        return sb.append("])").toString();
    }
}
