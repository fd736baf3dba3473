package io.chard.client;

/** A dispatch option is out of range (priority outside 0-9, a negative countdown, an unknown queue name). */
public final class InvalidDispatchException extends RuntimeException {
    public InvalidDispatchException(String message) {
        super(message);
    }
}
