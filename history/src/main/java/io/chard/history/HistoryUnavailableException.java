package io.chard.history;

/** The history database could not be reached or refused the write; nothing was written. */
public final class HistoryUnavailableException extends Exception {
    public HistoryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
