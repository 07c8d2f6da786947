package dev.cortado.tensor.backend;

/** A {@link BackendProvider}'s backend cannot run in this process; the message says why in one line. */
public final class BackendUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public BackendUnavailableException(String message) {
        super(message);
    }

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
