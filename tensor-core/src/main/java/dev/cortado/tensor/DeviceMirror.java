package dev.cortado.tensor;

/**
 * A copy of one {@link Storage}'s values in a backend's device memory, owned by that backend and attached
 * with {@link Storage#attachMirror}. The storage decides when a copy is needed from its version numbers;
 * the mirror only performs it.
 *
 * <p>Contract: {@link #syncToHost()} copies the device copy into the storage's host array (the array that
 * {@link Tensor#floatData()} returns), so that afterwards both sides hold the same values. The storage calls
 * it only when the device copy is newer than the host's, and never concurrently for one storage.
 */
public interface DeviceMirror {
    /** Copies the device's values of the whole storage into the host array. */
    void syncToHost();
}
