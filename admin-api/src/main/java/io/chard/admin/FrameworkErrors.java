package io.chard.admin;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.JsonErrorResponseBodyProvider;
import jakarta.inject.Singleton;

import java.util.Locale;

/**
 * The body of every error Micronaut answers by itself (401 and 403 from security, 404 for no route, 405, 415, a
 * path value that does not convert) in Chard's one envelope, {@link ApiError}, instead of Micronaut's own
 * {@code {"message", "_links", "_embedded"}}: a client reads every error the same way.
 */
@Singleton
@Replaces(JsonErrorResponseBodyProvider.class)
class FrameworkErrors implements JsonErrorResponseBodyProvider<ApiError> {

    @Override
    public ApiError body(ErrorContext context, HttpResponse<?> response) {
        HttpStatus status = response.getStatus();
        Error first = context.getErrors().isEmpty() ? null : context.getErrors().getFirst();
        return ApiError.ofField(code(status), message(status, first), first == null ? null : first.getPath().orElse(null));
    }

    private static String code(HttpStatus status) {
        return switch (status) {
            case REQUEST_ENTITY_TOO_LARGE -> "payload_too_large";
            case INTERNAL_SERVER_ERROR -> "internal_error";
            default -> status.name().toLowerCase(Locale.ROOT);
        };
    }

    private static String message(HttpStatus status, Error first) {
        return switch (status) {
            case UNAUTHORIZED -> "sign in (POST /login) or send Authorization: Bearer <API token>";
            case FORBIDDEN -> "your roles do not grant the permission this route needs";
            // A 5xx detail may carry internals (SQL, stored values): the log has it, the answer does not.
            default -> status.getCode() >= 500 || first == null ? status.getReason() : first.getMessage();
        };
    }
}
