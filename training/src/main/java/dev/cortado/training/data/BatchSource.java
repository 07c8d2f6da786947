package dev.cortado.training.data;

import java.util.Iterator;

/**
 * Where a trainer gets its batches: a fixed number per epoch, in an order fixed by the epoch number (so a
 * resumed run sees the same batches), optionally starting part-way through an epoch.
 */
public interface BatchSource {
    int batchesPerEpoch();

    /** The batches of {@code epoch} from batch {@code firstBatch} on; close the iterator to stop early. */
    BatchIterator epoch(int epoch, int firstBatch);

    /** An iterator over batches that may hold a background thread until closed. */
    interface BatchIterator extends Iterator<Batch>, AutoCloseable {
        @Override
        void close();
    }
}
