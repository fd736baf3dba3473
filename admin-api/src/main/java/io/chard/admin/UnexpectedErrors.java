package io.chard.admin;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.UUID;

/**
 * The answer to every exception nothing closer handles (the framework's own handlers for bad conversions,
 * security and status exceptions stay closer by type). The body never carries the exception's text, which
 * can hold SQL, class names or stored values: it names an error id, logged with the whole exception.
 * A value PostgreSQL refuses as data (SQLSTATE class 22: a NUL character, a number or date out of range)
 * is the request's fault, and answered 400 rather than 500.
 */
@Singleton
@Produces
@Requires(classes = ExceptionHandler.class)
class UnexpectedErrors implements ExceptionHandler<Exception, HttpResponse<ApiError>> {
    private static final Logger LOG = LoggerFactory.getLogger(UnexpectedErrors.class);

    @Override
    public HttpResponse<ApiError> handle(HttpRequest request, Exception exception) {
        String errorId = UUID.randomUUID().toString();
        if (dataException(exception)) {
            LOG.info("error {}: {} {} refused by the database as data", errorId, request.getMethod(),
                    request.getPath(), exception);
            return HttpResponse.<ApiError>status(HttpStatus.BAD_REQUEST).body(ApiError.of("invalid_value",
                    "a value in the request cannot be stored (error " + errorId + ")"));
        }
        LOG.error("error {}: {} {} failed", errorId, request.getMethod(), request.getPath(), exception);
        return HttpResponse.<ApiError>status(HttpStatus.INTERNAL_SERVER_ERROR).body(ApiError.of("internal_error",
                "the server failed to answer; the error is logged as " + errorId));
    }

    static boolean dataException(Throwable exception) {
        for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("22")) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }
}
