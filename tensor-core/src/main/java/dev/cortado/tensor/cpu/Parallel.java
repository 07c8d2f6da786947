package dev.cortado.tensor.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * Splits a range of independent work items over a fork-join pool. The calling thread runs one chunk
 * itself, so a pool of {@code threads - 1} workers keeps {@code threads} cores busy.
 */
public final class Parallel {
    /** Work on items [start, end). */
    @FunctionalInterface
    public interface RangeTask {
        void run(int start, int end);
    }

    private final int threads;
    private final ForkJoinPool pool;

    public Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.pool = threads > 1 ? new ForkJoinPool(threads - 1, Parallel::daemonWorker, null, false) : null;
    }

    private static ForkJoinWorkerThread daemonWorker(ForkJoinPool pool) {
        ForkJoinWorkerThread worker = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        worker.setDaemon(true);
        worker.setName("cortado-cpu-" + worker.getPoolIndex());
        return worker;
    }

    /** Number of threads that share the work (pool workers plus the caller). */
    public int threads() {
        return threads;
    }

    /**
     * Runs {@code task} over [0, n) in contiguous chunks of at least {@code grain} items (fewer chunks
     * when n is small), at most one chunk per thread. Returns when every chunk has finished; an exception
     * in any chunk is rethrown.
     */
    public void forRange(int n, int grain, RangeTask task) {
        int chunks = (int) Math.min(threads, Math.max(1, (long) n / Math.max(grain, 1)));
        if (chunks <= 1 || pool == null) {
            if (n > 0) {
                task.run(0, n);
            }
            return;
        }
        ForkJoinTask<?>[] forked = new ForkJoinTask<?>[chunks - 1];
        for (int c = 1; c < chunks; c++) {
            int start = (int) ((long) n * c / chunks);
            int end = (int) ((long) n * (c + 1) / chunks);
            forked[c - 1] = pool.submit(() -> task.run(start, end));
        }
        try {
            task.run(0, (int) ((long) n / chunks));
        } finally {
            // Wait for every chunk even if ours failed, so no worker still writes after we return.
            for (ForkJoinTask<?> f : forked) {
                f.quietlyJoin();
            }
        }
        for (ForkJoinTask<?> f : forked) {
            f.join();
        }
    }
}
