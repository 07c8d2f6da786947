package dev.cortado.tornado.graphs;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the copies of resident buffers ({@link ResidentArray}) between host and device, per backend: the
 * measure that device residency works (a training step should upload what the host wrote and download what
 * the host reads, nothing else).
 */
public final class Transfers {
    private final AtomicLong uploads = new AtomicLong();
    private final AtomicLong downloads = new AtomicLong();

    /** Host → device copies of a whole buffer so far. */
    public long uploads() {
        return uploads.get();
    }

    /** Device → host copies of a whole buffer so far. */
    public long downloads() {
        return downloads.get();
    }

    void countUpload() {
        uploads.incrementAndGet();
    }

    void countDownload() {
        downloads.incrementAndGet();
    }
}
