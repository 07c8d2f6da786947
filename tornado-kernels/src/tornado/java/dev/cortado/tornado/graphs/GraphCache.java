package dev.cortado.tornado.graphs;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Compiled graphs by shape key, least recently used first out: a training step reuses the same few dozen
 * shapes, so each graph is built and compiled once; an evicted graph releases its device buffers.
 */
public final class GraphCache {
    /** Compiled graphs kept per backend; beyond this the least recently used one is closed. */
    public static final int CAPACITY = 512;

    private final Map<Object, AutoCloseable> graphs = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Object, AutoCloseable> eldest) {
            if (size() <= CAPACITY) {
                return false;
            }
            closeQuietly(eldest.getValue());
            return true;
        }
    };

    /** The graph for {@code key}, built by {@code build} on first use. Keys are records naming the graph's kind. */
    @SuppressWarnings("unchecked")
    public synchronized <K, G extends AutoCloseable> G get(K key, Function<K, G> build) {
        return (G) graphs.computeIfAbsent(key, k -> build.apply(key));
    }

    public synchronized int size() {
        return graphs.size();
    }

    private static void closeQuietly(AutoCloseable graph) {
        try {
            graph.close();
        } catch (Exception e) {
            // Releasing a stale graph must not fail the op that evicted it; its memory goes with the process.
        }
    }
}
