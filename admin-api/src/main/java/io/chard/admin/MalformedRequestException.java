package io.chard.admin;

import io.micronaut.core.annotation.Nullable;

/**
 * The request is not what the API reads: a body that is not JSON or has a field of the wrong type, a NUL
 * character in a parameter. Answered with 400, naming the field when known.
 */
final class MalformedRequestException extends RuntimeException {
    private final String code;
    private final String field;

    MalformedRequestException(String code, String message) {
        this(code, message, null);
    }

    MalformedRequestException(String code, String message, @Nullable String field) {
        super(message);
        this.code = code;
        this.field = field;
    }

    String code() {
        return code;
    }

    @Nullable String field() {
        return field;
    }
}
