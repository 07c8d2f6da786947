package dev.cortado.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.tensor.DType;
import dev.cortado.tensor.Tensor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DataLoaderTest {
    /** Example i is a [1, 2, 2] image filled with i, label i mod 3. */
    private static final Dataset TEN = dataset(10);

    private static Dataset dataset(int n) {
        return new Dataset() {
            @Override
            public int size() {
                return n;
            }

            @Override
            public Example get(int index) {
                return new Example(Tensor.full(index, 1, 2, 2), index % 3);
            }
        };
    }

    @AfterEach
    void noLoaderThreadLeft() throws InterruptedException {
        // close() waits for the pool, so no loader thread may outlive a test.
        assertEquals(List.of(), loaderThreads());
    }

    private static List<String> loaderThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.startsWith("cortado-loader-")).toList();
    }

    private static List<Batch> all(DataLoader loader, int epoch, int first) {
        List<Batch> out = new ArrayList<>();
        try (var it = loader.epoch(epoch, first)) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    @Test
    void batchesInOrderWithoutShuffle() {
        DataLoader loader = DataLoader.builder(TEN, 4).build();
        assertEquals(3, loader.batchesPerEpoch());
        List<Batch> batches = all(loader, 0, 0);
        assertEquals(3, batches.size());
        Batch first = batches.get(0);
        assertArrayEquals(new int[] {4, 1, 2, 2}, first.inputs().shape());
        assertEquals(DType.INT64, first.labels().dtype());
        assertArrayEquals(new long[] {0, 1, 2, 0}, first.labels().toLongArray());
        assertArrayEquals(new int[] {0, 1, 2, 3}, first.indices());
        assertEquals(3f, first.inputs().get(3, 0, 1, 1), 0f);
        assertArrayEquals(new int[] {8, 9}, batches.get(2).indices());
        assertArrayEquals(new int[] {2, 1, 2, 2}, batches.get(2).inputs().shape());

        DataLoader dropping = DataLoader.builder(TEN, 4).dropLast(true).build();
        assertEquals(2, dropping.batchesPerEpoch());
        assertEquals(2, all(dropping, 0, 0).size());
    }

    @Test
    void shuffleIsAPureFunctionOfSeedAndEpoch() {
        DataLoader a = DataLoader.builder(dataset(100), 7).shuffle(true).seed(5).build();
        DataLoader b = DataLoader.builder(dataset(100), 7).shuffle(true).seed(5).workers(3).prefetch(4).build();
        assertArrayEquals(a.order(2), b.order(2));
        assertFalse(Arrays.equals(a.order(2), a.order(3)), "epochs differ");
        assertFalse(Arrays.equals(a.order(2), DataLoader.builder(dataset(100), 7).shuffle(true).seed(6).build()
                .order(2)), "seeds differ");
        int[] sorted = a.order(2).clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 100; i++) {
            assertEquals(i, sorted[i], "a permutation");
        }
        // The batches follow the order, whatever the thread count.
        List<Batch> fromA = all(a, 2, 0);
        List<Batch> fromB = all(b, 2, 0);
        int[] served = fromA.stream().flatMapToInt(x -> Arrays.stream(x.indices())).toArray();
        assertArrayEquals(a.order(2), served);
        for (int k = 0; k < fromA.size(); k++) {
            assertArrayEquals(fromA.get(k).indices(), fromB.get(k).indices());
        }
    }

    @Test
    void resumingPartWayGivesTheSameBatchesAndTransforms() {
        Transform noise = new GaussianNoise(1.0);
        DataLoader sync = DataLoader.builder(dataset(30), 4).shuffle(true).seed(11).transform(noise).prefetch(0)
                .build();
        DataLoader pooled = DataLoader.builder(dataset(30), 4).shuffle(true).seed(11).transform(noise).prefetch(3)
                .workers(3).build();
        List<Batch> whole = all(sync, 4, 0);
        List<Batch> tail = all(pooled, 4, 5);
        assertEquals(whole.size() - 5, tail.size());
        for (int k = 0; k < tail.size(); k++) {
            Batch expected = whole.get(k + 5);
            assertArrayEquals(expected.indices(), tail.get(k).indices());
            assertArrayEquals(expected.inputs().toFloatArray(), tail.get(k).inputs().toFloatArray(),
                    "batch " + (k + 5) + ": transform randomness from (seed, epoch, index) only");
        }
        // A different epoch draws different noise for the same example.
        assertNotEquals(whole.get(0).inputs().get(0, 0, 0, 0), all(sync, 5, 0).get(0).inputs().get(0, 0, 0, 0));
        assertEquals(0, all(sync, 4, sync.batchesPerEpoch()).size());
        assertThrows(IllegalArgumentException.class, () -> sync.epoch(0, sync.batchesPerEpoch() + 1));
    }

    @Test
    void loaderExceptionReachesTheConsumerWithItsCause() {
        var boom = new IllegalStateException("example 13 is broken");
        Dataset broken = new Dataset() {
            @Override
            public int size() {
                return 20;
            }

            @Override
            public Example get(int index) {
                if (index == 13) {
                    throw boom;
                }
                return TEN.get(index % 10);
            }
        };
        DataLoader loader = DataLoader.builder(broken, 5).prefetch(2).build();
        try (var it = loader.epoch(0, 0)) {
            it.next();
            it.next();
            var e = assertThrows(IllegalStateException.class, it::next);
            assertSame(boom, e.getCause());
            assertTrue(e.getMessage().contains("batch 2 of epoch 0"), e.getMessage());
            assertFalse(it.hasNext(), "a failed iterator is closed");
        }
    }

    @Test
    void closeStopsPromptlyWhenTheConsumerStopsEarly() throws InterruptedException {
        AtomicInteger loaded = new AtomicInteger();
        Dataset slow = new Dataset() {
            @Override
            public int size() {
                return 1000;
            }

            @Override
            public Example get(int index) {
                loaded.incrementAndGet();
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
                return new Example(Tensor.zeros(1, 1, 1), 0);
            }
        };
        DataLoader loader = DataLoader.builder(slow, 10).prefetch(3).workers(2).build();
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            try (var it = loader.epoch(0, 0)) {
                it.next();
                assertFalse(loaderThreads().isEmpty(), "prefetching runs in the background");
            }
        });
        // Bounded prefetch: the consumer took one batch, so at most 1 + 3 in flight + 1 submitted were started.
        assertTrue(loaded.get() <= 5 * 10, "loaded " + loaded.get() + " examples");
        int after = loaded.get();
        Thread.sleep(50);
        assertEquals(after, loaded.get(), "nothing loads after close");
    }

    @Test
    void exhaustedIteratorReleasesItsThreads() throws InterruptedException {
        DataLoader loader = DataLoader.builder(TEN, 3).prefetch(2).workers(2).build();
        var it = loader.epoch(1, 0);
        Set<Integer> seen = new HashSet<>();
        while (it.hasNext()) {
            for (int i : it.next().indices()) {
                seen.add(i);
            }
        }
        assertEquals(10, seen.size());
        // Not closed explicitly: exhausting the epoch closed it.
        assertEquals(List.of(), loaderThreads());
    }

    @Test
    void mismatchedShapesNameTheExamples() {
        Dataset mixed = new Dataset() {
            @Override
            public int size() {
                return 2;
            }

            @Override
            public Example get(int index) {
                return new Example(Tensor.zeros(1, 2 + index, 2), 0);
            }
        };
        var e = assertThrows(IllegalArgumentException.class,
                () -> all(DataLoader.builder(mixed, 2).prefetch(0).build(), 0, 0));
        assertTrue(e.getMessage().contains("example 1 has shape [1, 3, 2]"), e.getMessage());
    }
}
