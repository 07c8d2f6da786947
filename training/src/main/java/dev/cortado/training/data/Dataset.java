package dev.cortado.training.data;

/** Random access to a fixed number of examples. Implementations are safe to read from several threads. */
public interface Dataset {
    int size();

    /** The example at {@code index} in [0, size()). */
    Example get(int index);
}
