package io.chard.canvas;

/** A workflow that cannot be redriven now: it has not failed, was redriven already, or has left the broker. */
public final class NotRedrivableException extends RuntimeException {
    public NotRedrivableException(String message) {
        super(message);
    }
}
