package dev.cortado.tornado.graphs;

import dev.cortado.tensor.DeviceMirror;
import dev.cortado.tensor.Storage;
import dev.cortado.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * The device copy of one whole storage: a TornadoVM {@link FloatArray} whose device buffer belongs to the
 * resident graph that uses it ({@link AdamGraph}), attached to the storage as its {@link DeviceMirror}.
 * The storage's version numbers decide when to copy; this class copies and counts:
 * <pre>
 *   upload:   host float[] ──memcpy──▶ FloatArray ──(graph's first execution)──▶ device buffer
 *   download: device buffer ──(execution result, on demand)──▶ FloatArray ──memcpy──▶ host float[]
 * </pre>
 */
final class ResidentArray implements DeviceMirror {
    private final Storage storage;
    /** The storage's host array, captured once (a storage never replaces its array). */
    private final float[] host;
    final FloatArray array;
    private final Transfers transfers;
    private AdamGraph owner;

    /** Attaches a new device copy to {@code tensor}'s storage (which must have none). */
    ResidentArray(Tensor tensor, Transfers transfers) {
        this.storage = tensor.storage();
        this.host = tensor.floatData();
        this.array = new FloatArray(host.length);
        this.transfers = transfers;
        storage.attachMirror(this);
    }

    Storage storage() {
        return storage;
    }

    void bind(AdamGraph graph) {
        owner = graph;
    }

    AdamGraph owner() {
        return owner;
    }

    /** Copies the host array into the FloatArray that the graph's next first execution sends to the device. */
    void stageUpload() {
        storage.syncToHost();
        MemorySegment.copy(host, 0, array.getSegment(), ValueLayout.JAVA_FLOAT, 0, host.length);
        storage.markDeviceCurrent();
        transfers.countUpload();
    }

    @Override
    public void syncToHost() {
        owner.transferToHost(array);
        MemorySegment.copy(array.getSegment(), ValueLayout.JAVA_FLOAT, 0, host, 0, host.length);
        transfers.countDownload();
    }

    @Override
    public String toString() {
        return "tornado resident array of " + host.length + " floats";
    }
}
