package dev.cortado.training.data;

import dev.cortado.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Batches over a {@link Dataset}: seeded shuffling, drop-last, an optional per-example {@link Transform}, and
 * background prefetching.
 *
 * <p><b>Determinism.</b> The order of epoch {@code e} is a Fisher–Yates permutation drawn from a generator
 * seeded with {@code mix(seed, e)}, and the transform of dataset example {@code i} in epoch {@code e} draws from
 * a generator seeded with {@code mix(seed, e, i)}. Both are pure functions of their arguments, so the batches do
 * not depend on the number of worker threads, on timing, or on whether the epoch was started part-way through
 * with {@link #epoch(int, int)}.
 *
 * <p><b>Prefetching.</b> With {@code prefetch = k > 0} each epoch iterator owns a pool of {@code workers}
 * daemon threads and keeps up to {@code k} batches in flight ahead of the consumer; batches come out in order.
 * An exception while loading is rethrown from {@code next()} as an {@link IllegalStateException} naming the
 * batch, with the original as its cause. {@link BatchIterator#close()} cancels the work in flight and waits for
 * the threads to end; it is also called when the epoch is exhausted or has failed. With {@code prefetch = 0}
 * batches are built on the calling thread.
 *
 * <pre>{@code
 * var loader = DataLoader.builder(train, 64).shuffle(true).seed(42).dropLast(true)
 *         .transform(Compose.of(new RandomCrop(28, 2), new RandomHorizontalFlip(0.5))).build();
 * try (var batches = loader.epoch(epoch, 0)) {
 *     while (batches.hasNext()) { Batch b = batches.next(); … }   // b.inputs() [64, 1, 28, 28]
 * }
 * }</pre>
 */
public final class DataLoader implements BatchSource {
    private static final AtomicInteger LOADER_IDS = new AtomicInteger();
    /** Separates the transform streams from the shuffle streams of the same seed. */
    private static final long TRANSFORM_STREAM = 0x7472616e73666f72L;

    private final Dataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final boolean dropLast;
    private final Transform transform;
    private final int prefetch;
    private final int workers;

    private DataLoader(Builder b) {
        this.dataset = b.dataset;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.seed = b.seed;
        this.dropLast = b.dropLast;
        this.transform = b.transform;
        this.prefetch = b.prefetch;
        this.workers = b.workers;
    }

    /** A builder over {@code dataset} with batches of {@code batchSize}; no shuffle, keep the last batch. */
    public static Builder builder(Dataset dataset, int batchSize) {
        return new Builder(dataset, batchSize);
    }

    public Dataset dataset() {
        return dataset;
    }

    public int batchSize() {
        return batchSize;
    }

    @Override
    public int batchesPerEpoch() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** The dataset indices of epoch {@code epoch} in the order they are served (all of them, before drop-last). */
    public int[] order(int epoch) {
        int n = dataset.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (shuffle) {
            SplittableRandom random = new SplittableRandom(mix(seed, epoch));
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return order;
    }

    @Override
    public BatchIterator epoch(int epoch, int firstBatch) {
        if (epoch < 0 || firstBatch < 0 || firstBatch > batchesPerEpoch()) {
            throw new IllegalArgumentException("DataLoader.epoch: epoch " + epoch + " / first batch " + firstBatch
                    + " outside [0, " + batchesPerEpoch() + "]");
        }
        int[] order = order(epoch);
        return prefetch == 0 ? new SyncIterator(epoch, order, firstBatch)
                : new PrefetchIterator(epoch, order, firstBatch);
    }

    /** Loads batch {@code b} of an epoch: examples (transformed) stacked to [B, …], labels to INT64 [B]. */
    private Batch load(int epoch, int[] order, int b) {
        int from = b * batchSize;
        int to = Math.min(order.length, from + batchSize);
        int[] indices = Arrays.copyOfRange(order, from, to);
        long[] labels = new long[indices.length];
        float[] inputs = null;
        int[] shape = null;
        int per = 0;
        for (int k = 0; k < indices.length; k++) {
            Example example = dataset.get(indices[k]);
            Tensor input = example.input();
            if (transform != null) {
                input = transform.apply(input, new SplittableRandom(mix(mix(seed, TRANSFORM_STREAM), epoch,
                        indices[k])));
            }
            if (shape == null) {
                shape = input.shape();
                per = input.numel();
                inputs = new float[indices.length * per];
            } else if (!Arrays.equals(shape, input.shape())) {
                throw new IllegalArgumentException("DataLoader: example " + indices[k] + " has shape "
                        + Arrays.toString(input.shape()) + ", example " + indices[0] + " of the same batch has "
                        + Arrays.toString(shape) + "; inputs must share one shape");
            }
            System.arraycopy(input.toFloatArray(), 0, inputs, k * per, per);
            labels[k] = example.label();
        }
        int[] batchShape = new int[shape.length + 1];
        batchShape[0] = indices.length;
        System.arraycopy(shape, 0, batchShape, 1, shape.length);
        return new Batch(Tensor.fromArray(inputs, batchShape), Tensor.fromLongs(labels, indices.length), indices);
    }

    /** SplitMix64's finaliser folded over the parts: a well-mixed 64-bit seed from several integers. */
    static long mix(long first, long... rest) {
        long h = first;
        for (long part : rest) {
            h = splitmix(h ^ splitmix(part + 0x9e3779b97f4a7c15L));
        }
        return splitmix(h);
    }

    private static long splitmix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Builds each batch on the caller's thread. */
    private final class SyncIterator implements BatchIterator {
        private final int epoch;
        private final int[] order;
        private int next;

        SyncIterator(int epoch, int[] order, int firstBatch) {
            this.epoch = epoch;
            this.order = order;
            this.next = firstBatch;
        }

        @Override
        public boolean hasNext() {
            return next < batchesPerEpoch();
        }

        @Override
        public Batch next() {
            if (!hasNext()) {
                throw new NoSuchElementException("DataLoader: epoch " + epoch + " has " + batchesPerEpoch()
                        + " batches");
            }
            return load(epoch, order, next++);
        }

        @Override
        public void close() {
            next = batchesPerEpoch();
        }
    }

    /**
     * Keeps up to {@code prefetch} batches in flight on a private pool; the consumer takes their futures in
     * order, and each take submits the next batch, so at most {@code prefetch} finished batches wait in memory.
     */
    private final class PrefetchIterator implements BatchIterator {
        private final int epoch;
        private final int[] order;
        private final ExecutorService pool;
        private final ArrayDeque<Future<Batch>> inFlight = new ArrayDeque<>();
        /** Every thread the pool started, joined on close so none outlives the iterator. */
        private final List<Thread> threads = new CopyOnWriteArrayList<>();
        private int nextToSubmit;
        private int nextToTake;
        private boolean closed;

        PrefetchIterator(int epoch, int[] order, int firstBatch) {
            this.epoch = epoch;
            this.order = order;
            this.nextToSubmit = firstBatch;
            this.nextToTake = firstBatch;
            // Idle threads time out, so even an iterator its consumer forgets to close leaves no thread behind.
            var executor = new ThreadPoolExecutor(workers, workers, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                    threadFactory());
            executor.allowCoreThreadTimeOut(true);
            this.pool = executor;
            while (inFlight.size() < prefetch && nextToSubmit < batchesPerEpoch()) {
                submitNext();
            }
            if (!hasNext()) {
                close();
            }
        }

        private ThreadFactory threadFactory() {
            int id = LOADER_IDS.incrementAndGet();
            return r -> {
                Thread t = new Thread(r, "cortado-loader-" + id + "-" + (threads.size() + 1));
                t.setDaemon(true);
                threads.add(t);
                return t;
            };
        }

        private void submitNext() {
            int b = nextToSubmit++;
            inFlight.add(pool.submit(() -> load(epoch, order, b)));
        }

        @Override
        public boolean hasNext() {
            return !closed && nextToTake < batchesPerEpoch();
        }

        @Override
        public Batch next() {
            if (!hasNext()) {
                throw new NoSuchElementException("DataLoader: epoch " + epoch + " has no more batches"
                        + (closed ? " (iterator closed)" : ""));
            }
            Future<Batch> future = inFlight.poll();
            int b = nextToTake++;
            if (nextToSubmit < batchesPerEpoch()) {
                submitNext();
            }
            try {
                Batch batch = future.get();
                if (nextToTake == batchesPerEpoch()) {
                    close();
                }
                return batch;
            } catch (ExecutionException e) {
                close();
                Throwable cause = e.getCause();
                throw new IllegalStateException("DataLoader: loading batch " + b + " of epoch " + epoch
                        + " failed: " + cause, cause);
            } catch (InterruptedException e) {
                close();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("DataLoader: interrupted while waiting for batch " + b + " of epoch "
                        + epoch, e);
            } catch (CancellationException e) {
                throw new IllegalStateException("DataLoader: batch " + b + " of epoch " + epoch + " was cancelled", e);
            }
        }

        /** Cancels the batches in flight and waits (up to 10 s in all) for the loader threads to end. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            for (Future<Batch> f : inFlight) {
                f.cancel(true);
            }
            inFlight.clear();
            pool.shutdownNow();
            boolean interrupted = Thread.interrupted();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            for (Thread t : threads) {
                try {
                    t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Optional settings of a {@link DataLoader}. */
    public static final class Builder {
        private final Dataset dataset;
        private final int batchSize;
        private boolean shuffle;
        private long seed;
        private boolean dropLast;
        private Transform transform;
        private int prefetch = 2;
        private int workers = 1;

        private Builder(Dataset dataset, int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("DataLoader: batch size " + batchSize + " must be ≥ 1");
            }
            this.dataset = dataset;
            this.batchSize = batchSize;
        }

        /** Reshuffle every epoch (default false: dataset order). */
        public Builder shuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /** Seed of the shuffle and of the transforms' randomness (default 0). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Drop the last batch when it is smaller than the batch size (default false). */
        public Builder dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /** A transform applied to each example's input (default none). */
        public Builder transform(Transform transform) {
            this.transform = transform;
            return this;
        }

        /** Batches loaded ahead of the consumer (default 2); 0 loads on the calling thread. */
        public Builder prefetch(int batches) {
            if (batches < 0) {
                throw new IllegalArgumentException("DataLoader: prefetch " + batches + " must be ≥ 0");
            }
            this.prefetch = batches;
            return this;
        }

        /** Loader threads per epoch iterator when prefetching (default 1). */
        public Builder workers(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("DataLoader: workers " + threads + " must be ≥ 1");
            }
            this.workers = threads;
            return this;
        }

        public DataLoader build() {
            return new DataLoader(this);
        }
    }
}
