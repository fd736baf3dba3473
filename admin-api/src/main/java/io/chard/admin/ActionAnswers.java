package io.chard.admin;

import io.chard.admin.ActionResult.BrokerUnavailable;
import io.chard.admin.ActionResult.NotAllowed;
import io.chard.admin.ActionResult.NotFound;
import io.chard.admin.ActionResult.RanNow;
import io.chard.admin.ActionResult.Retried;
import io.chard.admin.ActionResult.Revoked;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;

import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** The HTTP answers to admin actions' outcomes, shared by the task API and the admin API (docs/admin-api.md). */
final class ActionAnswers {

    private ActionAnswers() {
    }

    static HttpResponse<?> retry(ActionResult.OfRetry result) {
        return switch (result) {
            case Retried retried -> HttpResponse.ok(retried.created());
            case NotFound notFound -> notFound(notFound.id());
            case NotAllowed refused -> conflict("not_retryable", refused.reason());
            case BrokerUnavailable down -> brokerUnavailable(down);
        };
    }

    static HttpResponse<?> revoke(ActionResult.OfRevoke result) {
        return switch (result) {
            case Revoked revoked -> HttpResponse.ok(Map.of("id", revoked.id().toString(),
                    "revocation", revoked.revocation().name().toLowerCase(Locale.ROOT)));
            case NotFound notFound -> notFound(notFound.id());
            case NotAllowed refused -> conflict("already_finished", refused.reason());
            case BrokerUnavailable down -> brokerUnavailable(down);
        };
    }

    static HttpResponse<?> runNow(ActionResult.OfRunNow result) {
        return switch (result) {
            case RanNow ran -> HttpResponse.ok(Map.of("id", ran.id().toString(), "promoted", true));
            case NotFound notFound -> notFound(notFound.id());
            case NotAllowed refused -> conflict("not_waiting", refused.reason());
            case BrokerUnavailable down -> brokerUnavailable(down);
        };
    }

    static HttpResponse<?> notFound(UUID id) {
        return HttpResponse.status(HttpStatus.NOT_FOUND).body(ApiError.of("not_found", "no execution " + id));
    }

    private static HttpResponse<?> conflict(String code, String reason) {
        return HttpResponse.status(HttpStatus.CONFLICT).body(ApiError.of(code, reason));
    }

    /** The same answer {@link ApiErrors} gives when the broker fails outside an action. */
    private static HttpResponse<?> brokerUnavailable(BrokerUnavailable down) {
        return HttpResponse.status(HttpStatus.SERVICE_UNAVAILABLE)
                .body(ApiError.of("broker_unavailable", down.message()));
    }
}
