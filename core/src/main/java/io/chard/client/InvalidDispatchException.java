package io.chard.client;

import io.micronaut.core.annotation.Nullable;

/**
 * A dispatch option is out of range (priority outside 0-9, a negative countdown, an unknown queue name, a time the
 * history cannot store); {@link #field()} names the option when there is one.
 */
public final class InvalidDispatchException extends RuntimeException {
    private final String field;

    public InvalidDispatchException(String message) {
        this(null, message);
    }

    public InvalidDispatchException(@Nullable String field, String message) {
        super(message);
        this.field = field;
    }

    public @Nullable String field() {
        return field;
    }
}
