package io.chard.admin;

import io.chard.database.Jdbc;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers for requests a missing dependency or a full server cannot serve now: 503 with {@code Retry-After}
 * while PostgreSQL is unreachable (login, admin reads), 429 beyond the live-stream limits. The body never
 * carries the driver's text (it names hosts and statements); the log does.
 */
@Controller
@Secured(SecurityRule.IS_ANONYMOUS)
class OutageErrors {
    private static final Logger LOG = LoggerFactory.getLogger(OutageErrors.class);
    static final String RETRY_AFTER_SECONDS = "5";

    @Error(global = true, exception = Jdbc.DatabaseException.class)
    HttpResponse<ApiError> databaseDown(Jdbc.DatabaseException e) {
        if (UnexpectedErrors.dataException(e)) {
            LOG.info("answered 400, a value refused by the database as data: {}", e.getMessage());
            return HttpResponse.<ApiError>status(HttpStatus.BAD_REQUEST).body(ApiError.of("invalid_value",
                    "a value in the request cannot be stored or compared by the database"));
        }
        LOG.warn("answered 503: {}", e.getMessage());
        return HttpResponse.<ApiError>status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
                .body(ApiError.of("database_unavailable", "the database does not answer; try again shortly"));
    }

    @Error(global = true, exception = OutageErrors.TooManyStreamsException.class)
    HttpResponse<ApiError> tooManyStreams(TooManyStreamsException e) {
        return HttpResponse.<ApiError>status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
                .body(ApiError.of("too_many_streams", e.getMessage()));
    }

    /** A user or the whole server has as many live streams open as allowed. */
    static final class TooManyStreamsException extends RuntimeException {
        TooManyStreamsException(String message) {
            super(message);
        }
    }
}
