package dev.cortado.tensor;

/**
 * The flat array behind one or more tensors. Views (reshape, permute, slice, expand) share a storage;
 * only the array matching {@link #dtype()} is non-null.
 *
 * <p>The version counter is bumped by every in-place write, so that later layers (autograd) can detect
 * that a tensor they saved was changed behind their back.
 *
 * <p>A backend with its own memory may attach a {@link DeviceMirror}. Each side then records the version
 * it holds: a host write ({@link #bumpVersion()}, reached through {@link Tensor#markModified()}) makes the
 * host copy the only current one, a device write ({@link #markDeviceWritten()}) the device copy.
 * {@link #syncToHost()}, called by every host path to the array, copies device → host only when the host
 * copy is older; a backend reading a storage on its device uploads only when {@link #deviceStale()}.
 * Without a mirror all of this is one null check.
 */
public final class Storage {
    private final DType dtype;
    private final float[] floats;
    private final long[] longs;
    private final boolean[] booleans;
    private int version;
    /** The version the host array holds; equal to {@code version} unless a device write is newer. */
    private int hostVersion;
    /** The version the mirror's device copy holds; -1 before its first upload. */
    private int deviceVersion = -1;
    private DeviceMirror mirror;

    private Storage(DType dtype, float[] floats, long[] longs, boolean[] booleans) {
        this.dtype = dtype;
        this.floats = floats;
        this.longs = longs;
        this.booleans = booleans;
    }

    static Storage allocate(DType dtype, int length) {
        return switch (dtype) {
            case FLOAT32 -> new Storage(dtype, new float[length], null, null);
            case INT64 -> new Storage(dtype, null, new long[length], null);
            case BOOL -> new Storage(dtype, null, null, new boolean[length]);
        };
    }

    static Storage wrap(float[] data) {
        return new Storage(DType.FLOAT32, data, null, null);
    }

    static Storage wrap(long[] data) {
        return new Storage(DType.INT64, null, data, null);
    }

    static Storage wrap(boolean[] data) {
        return new Storage(DType.BOOL, null, null, data);
    }

    public DType dtype() {
        return dtype;
    }

    public int length() {
        return switch (dtype) {
            case FLOAT32 -> floats.length;
            case INT64 -> longs.length;
            case BOOL -> booleans.length;
        };
    }

    float[] floats() {
        syncToHost();
        return floats;
    }

    long[] longs() {
        return longs;
    }

    boolean[] booleans() {
        return booleans;
    }

    /** Number of in-place writes so far. */
    public int version() {
        return version;
    }

    /** Records a host write: the host copy becomes the only current one. */
    void bumpVersion() {
        version++;
        hostVersion = version;
    }

    /** The backend's device copy, or null (host only). */
    public DeviceMirror mirror() {
        return mirror;
    }

    /**
     * Attaches the backend's device copy; until its first upload the host copy is the current one.
     *
     * @throws IllegalArgumentException for a storage that is not float32
     * @throws IllegalStateException if another mirror is attached: two device copies could diverge
     */
    public synchronized void attachMirror(DeviceMirror deviceMirror) {
        if (dtype != DType.FLOAT32) {
            throw new IllegalArgumentException("Storage: device mirrors hold float32 storages, not " + dtype);
        }
        if (mirror != null && mirror != deviceMirror) {
            throw new IllegalStateException("Storage: a device mirror is already attached (" + mirror + ")");
        }
        mirror = deviceMirror;
    }

    /**
     * Brings the host copy up to date and forgets the device copy (a backend releasing its memory); a later
     * mirror starts from the host values.
     */
    public synchronized void detachMirror() {
        syncToHost();
        mirror = null;
        deviceVersion = -1;
    }

    /**
     * Brings the host array up to date: copies device → host through the mirror when the device holds a
     * newer version. Every host path to the array (e.g. {@link Tensor#floatData()}) calls it first.
     */
    public void syncToHost() {
        if (mirror != null && hostVersion != version) {
            pullFromDevice();
        }
    }

    private synchronized void pullFromDevice() {
        if (hostVersion != version) {
            // Recorded first, so that a mirror writing through Tensor.floatData() does not pull again.
            int stale = hostVersion;
            hostVersion = version;
            try {
                mirror.syncToHost();
            } catch (RuntimeException | Error e) {
                hostVersion = stale;
                throw e;
            }
        }
    }

    /** True when the device copy is older than the current values (a backend must upload before reading). */
    public boolean deviceStale() {
        return deviceVersion != version;
    }

    /** Records that the backend uploaded the host array: both copies hold the current version. */
    public void markDeviceCurrent() {
        deviceVersion = version;
    }

    /**
     * Records a device write: the version advances (autograd sees an in-place write) and the host copy is
     * stale until {@link #syncToHost()}.
     *
     * @throws IllegalStateException without a mirror, or when the device copy was stale before the write
     *         (the kernel would have written over old values)
     */
    public void markDeviceWritten() {
        if (mirror == null || deviceVersion != version) {
            throw new IllegalStateException("Storage: device write without a current device copy (mirror "
                    + mirror + ", device version " + deviceVersion + ", version " + version + ")");
        }
        version++;
        deviceVersion = version;
    }
}
