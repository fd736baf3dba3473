package io.chard.client;

/** The serialised arguments exceed {@code chard.max-payload-bytes}. */
public final class PayloadTooLargeException extends RuntimeException {
    public PayloadTooLargeException(int size, int limit) {
        super("arguments take " + size + " bytes; the limit is " + limit);
    }
}
