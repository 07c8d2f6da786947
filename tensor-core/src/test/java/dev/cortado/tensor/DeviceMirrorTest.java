package dev.cortado.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.tensor.backend.Backends;
import dev.cortado.tensor.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

/**
 * Storage's version bookkeeping with a device mirror, checked with a fake device (a second float array) that
 * counts its copies: exactly the stale side is copied, and only when it is read.
 */
class DeviceMirrorTest {
    /** A "device" that is a plain array; {@link #deviceWrite} plays a kernel that writes the whole storage. */
    private static final class FakeDevice implements DeviceMirror {
        final Tensor tensor;
        final float[] device;
        int downloads;
        int uploads;

        FakeDevice(Tensor tensor) {
            this.tensor = tensor;
            this.device = new float[tensor.storage().length()];
            tensor.storage().attachMirror(this);
        }

        /** What a backend does before a kernel reads the storage. */
        void uploadIfStale() {
            if (tensor.storage().deviceStale()) {
                System.arraycopy(tensor.floatData(), 0, device, 0, device.length);
                tensor.storage().markDeviceCurrent();
                uploads++;
            }
        }

        void deviceWrite(float add) {
            uploadIfStale();
            for (int i = 0; i < device.length; i++) {
                device[i] += add;
            }
            tensor.storage().markDeviceWritten();
        }

        @Override
        public void syncToHost() {
            // The storage has already recorded the host as current, so floatData() does not pull again.
            System.arraycopy(device, 0, tensor.floatData(), 0, device.length);
            downloads++;
        }
    }

    @Test
    void aDeviceWriteIsDownloadedOnceWhenTheHostReads() {
        Tensor t = Tensor.fromArray(new float[] {1, 2, 3}, 3);
        FakeDevice fake = new FakeDevice(t);
        int before = t.storage().version();
        fake.deviceWrite(10);
        assertEquals(1, fake.uploads);
        assertEquals(before + 1, t.storage().version(), "a device write is an in-place write for autograd");
        assertEquals(0, fake.downloads, "nothing is copied until the host reads");
        assertArrayEquals(new float[] {11, 12, 13}, t.toFloatArray());
        assertEquals(11f, t.get(0));
        assertEquals(1, fake.downloads, "a second host read finds the host current");
        fake.deviceWrite(1);
        assertEquals(1, fake.uploads, "the device copy was current: no upload");
        assertEquals(12f, t.get(0));
        assertEquals(2, fake.downloads);
    }

    @Test
    void aHostWriteAfterADeviceWriteIsUploadedBeforeTheNextDeviceRead() {
        Tensor t = Tensor.fromArray(new float[] {1, 2, 3, 4}, 4);
        FakeDevice fake = new FakeDevice(t);
        fake.deviceWrite(10);
        // A partial host write through an op: the host first pulls the device values it does not overwrite.
        t.narrow(0, 1, 2).copyFrom(Tensor.fromArray(new float[] {0, 0}, 2));
        assertEquals(1, fake.downloads);
        assertTrue(t.storage().deviceStale());
        fake.deviceWrite(1);
        assertEquals(2, fake.uploads);
        assertArrayEquals(new float[] {12, 1, 1, 15}, t.toFloatArray());
        t.set(-1f, 3);
        fake.deviceWrite(1);
        assertArrayEquals(new float[] {13, 2, 2, 0}, t.toFloatArray());
        assertEquals(3, fake.uploads);
        assertEquals(3, fake.downloads);
    }

    @Test
    void hostOpsReadTheDeviceValues() {
        Tensor t = Tensor.fromArray(new float[] {1, 2, 3}, 3);
        FakeDevice fake = new FakeDevice(t);
        fake.deviceWrite(1);
        try (var scope = Backends.use(new CpuBackend(2))) {
            assertEquals(9f, Reductions.sum(t).item());
        }
        assertEquals(1, fake.downloads);
    }

    @Test
    void detachingKeepsTheDeviceValuesOnTheHost() {
        Tensor t = Tensor.fromArray(new float[] {1, 2}, 2);
        FakeDevice fake = new FakeDevice(t);
        fake.deviceWrite(5);
        t.storage().detachMirror();
        assertEquals(1, fake.downloads);
        assertArrayEquals(new float[] {6, 7}, t.toFloatArray());
        assertTrue(t.storage().deviceStale(), "a new mirror starts from the host values");
    }

    @Test
    void withoutAMirrorNothingIsStaleOnTheHost() {
        Tensor t = Tensor.fromArray(new float[] {1}, 1);
        t.set(2f, 0);
        t.storage().syncToHost();
        assertEquals(2f, t.item());
        assertNull(t.storage().mirror());
    }

    @Test
    void misuseIsRefused() {
        Tensor t = Tensor.zeros(2);
        new FakeDevice(t);
        IllegalStateException twice = assertThrows(IllegalStateException.class, () -> new FakeDevice(t));
        assertTrue(twice.getMessage().contains("already attached"), twice.getMessage());
        IllegalStateException stale = assertThrows(IllegalStateException.class, () -> t.storage().markDeviceWritten());
        assertTrue(stale.getMessage().contains("without a current device copy"), stale.getMessage());
        IllegalArgumentException dtype = assertThrows(IllegalArgumentException.class,
                () -> new FakeDevice(Tensor.empty(DType.INT64, 2)));
        assertTrue(dtype.getMessage().contains("INT64"), dtype.getMessage());
    }
}
