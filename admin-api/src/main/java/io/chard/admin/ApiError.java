package io.chard.admin;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * The body of every error answer.
 *
 * @param error     a stable code for programs (malformed_json, unknown_task, invalid_arguments, ...)
 * @param message   what went wrong, for people
 * @param parameter the task parameter that did not bind, when there is one
 * @param field     the request's field or query parameter that was refused, when there is one
 */
@Serdeable
public record ApiError(String error, String message, @Nullable String parameter, @Nullable String field) {
    public static ApiError of(String error, String message) {
        return new ApiError(error, message, null, null);
    }

    public static ApiError ofField(String error, String message, @Nullable String field) {
        return new ApiError(error, message, null, field);
    }
}
