package io.chard.admin;

import io.micronaut.core.annotation.Nullable;

/** A query parameter is out of range or malformed. Answered with 422, naming the parameter when known. */
final class InvalidParameterException extends RuntimeException {
    private final String parameter;

    InvalidParameterException(String message) {
        this(null, message);
    }

    InvalidParameterException(@Nullable String parameter, String message) {
        super(message);
        this.parameter = parameter;
    }

    @Nullable String parameter() {
        return parameter;
    }
}
