package io.chard.admin;

import io.chard.broker.BrokerUnavailableException;
import io.chard.broker.EventBacklogFullException;
import io.chard.client.InvalidDispatchException;
import io.chard.client.PayloadTooLargeException;
import io.chard.task.ArgumentBindingException;
import io.chard.task.UnknownTaskException;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;

/** One place that turns the engine's refusals into HTTP answers with a JSON body. */
@Controller
@Secured(SecurityRule.IS_ANONYMOUS)
class ApiErrors {

    @Error(global = true, exception = UnknownTaskException.class)
    HttpResponse<ApiError> unknownTask(UnknownTaskException e) {
        return HttpResponse.<ApiError>status(HttpStatus.NOT_FOUND).body(ApiError.of("unknown_task", e.getMessage()));
    }

    @Error(global = true, exception = ArgumentBindingException.class)
    HttpResponse<ApiError> badArguments(ArgumentBindingException e) {
        return HttpResponse.<ApiError>status(HttpStatus.UNPROCESSABLE_ENTITY)
                .body(new ApiError("invalid_arguments", e.getMessage(), e.parameter(), null));
    }

    @Error(global = true, exception = InvalidDispatchException.class)
    HttpResponse<ApiError> badOption(InvalidDispatchException e) {
        return HttpResponse.<ApiError>status(HttpStatus.UNPROCESSABLE_ENTITY)
                .body(ApiError.ofField("invalid_option", e.getMessage(), e.field()));
    }

    @Error(global = true, exception = PayloadTooLargeException.class)
    HttpResponse<ApiError> tooLarge(PayloadTooLargeException e) {
        return HttpResponse.<ApiError>status(HttpStatus.REQUEST_ENTITY_TOO_LARGE)
                .body(ApiError.of("payload_too_large", e.getMessage()));
    }

    /** The event stream is full (no recorder drains it): nothing was stored, the same dispatch works later. */
    @Error(global = true, exception = EventBacklogFullException.class)
    HttpResponse<ApiError> historyBehind(EventBacklogFullException e) {
        return HttpResponse.<ApiError>status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "10")
                .body(ApiError.of("history_backlog_full", e.getMessage()));
    }

    @Error(global = true, exception = BrokerUnavailableException.class)
    HttpResponse<ApiError> brokerDown(BrokerUnavailableException e) {
        return HttpResponse.<ApiError>status(HttpStatus.SERVICE_UNAVAILABLE)
                .body(ApiError.of("broker_unavailable", e.getMessage()));
    }

    @Error(global = true, exception = InvalidParameterException.class)
    HttpResponse<ApiError> invalidParameter(InvalidParameterException e) {
        return HttpResponse.<ApiError>status(HttpStatus.UNPROCESSABLE_ENTITY)
                .body(ApiError.ofField("invalid_parameter", e.getMessage(), e.parameter()));
    }

    @Error(global = true, exception = AdministrationController.InvalidFieldException.class)
    HttpResponse<ApiError> invalidField(AdministrationController.InvalidFieldException e) {
        return HttpResponse.<ApiError>status(HttpStatus.UNPROCESSABLE_ENTITY)
                .body(ApiError.of("invalid_field", e.getMessage()));
    }

    @Error(global = true, exception = MalformedRequestException.class)
    HttpResponse<ApiError> malformed(MalformedRequestException e) {
        return HttpResponse.<ApiError>status(HttpStatus.BAD_REQUEST)
                .body(ApiError.ofField(e.code(), e.getMessage(), e.field()));
    }
}
