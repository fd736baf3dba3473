package io.chard.admin;

import io.chard.broker.ExecutionStatus;
import io.chard.database.Jdbc;
import io.chard.admin.auth.Permissions;
import io.chard.admin.metrics.AdminMetrics;
import io.chard.broker.BrokerUnavailableException;
import io.chard.client.Dispatched;
import io.chard.client.InvalidBatchException;
import io.chard.client.InvalidDispatchException;
import io.chard.client.PayloadTooLargeException;
import io.chard.client.TaskClient;
import io.chard.task.ArgumentBindingException;
import io.chard.task.UnknownTaskException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.json.JsonMapper;
import io.micronaut.http.server.netty.NettyHttpRequest;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.inject.Named;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;

/**
 * Dispatch over HTTP, and the state of one execution for callers that poll. Every route but the single dispatch
 * runs on a virtual thread (they read Redis or PostgreSQL); see {@link #dispatch}.
 */
@Controller("/api/background_tasks/tasks")
@Produces(MediaType.APPLICATION_JSON)
class TaskController {
    private final TaskClient client;
    private final Executions executions;
    private final JsonMapper json;
    private final Clock clock;
    private final AdminMetrics metrics;
    private final ExecutorService blocking;

    TaskController(TaskClient client, Executions executions, JsonMapper json, Clock clock, AdminMetrics metrics,
                   @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
        this.client = client;
        this.metrics = metrics;
        this.executions = executions;
        this.json = json;
        this.clock = clock;
        this.blocking = blocking;
    }

    /** The body is read as text so that malformed JSON gets our error, not the framework's. */
    @Post(consumes = {MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN})
    @Secured(Permissions.DISPATCH)
    @ApiResponse(responseCode = "202", description = "dispatched, or a duplicate answered with its holder's id",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = "object")))
    CompletableFuture<HttpResponse<?>> dispatch(@Body String body, HttpRequest<?> request) {
        // On the event loop, never blocking it: the request is checked and encoded here (CPU work only), then handed
        // to the task client's group commit; a hop to a virtual thread and back per request cost more than the
        // dispatch itself (see "Measured" in the architecture notes). The answer is built back on the connection's
        // event loop, so that the group commit's one thread spends its turn on Redis, not on encoding answers;
        // served by the Lambda API proxy instead of Netty, it is built where the future completes. (The OpenAPI
        // generator would describe HttpResponse's own fields as the answer: @ApiResponse keeps it "an object".)
        Executor loop = request instanceof NettyHttpRequest<?> netty ? netty.getChannelHandlerContext().executor()
                : Runnable::run;
        return client.dispatchAsyncOrRefuse(DispatchBody.read(body, json, clock.instant()))
                .<HttpResponse<?>>thenComposeAsync(dispatched -> {
                    if (!dispatched.duplicate()) {
                        metrics.dispatched(dispatched.envelope().task(), dispatched.envelope().queue(), 1);
                        return CompletableFuture.completedFuture(
                                HttpResponse.accepted().body(ExecutionDetail.dispatched(dispatched.envelope())));
                    }
                    // A duplicate names an earlier execution, which may have run since: its state is read.
                    return CompletableFuture.supplyAsync(() -> HttpResponse.accepted().body(earlier(dispatched)),
                            blocking);
                }, loop);
    }

    /**
     * Dispatches up to 1,000 tasks at once: {@code {"tasks": [dispatch, ...]}}, each as the body of a single dispatch.
     * Validated whole, then enqueued in one atomic step per partition; 202 with {@code {"tasks": [{"id",
     * "duplicate"}]}} in request order. A refused item is a 400 naming it ({@code field: tasks[3]}), nothing enqueued.
     */
    @Post(uri = "/batch", consumes = {MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN})
    @Secured(Permissions.DISPATCH)
    @ExecuteOn(TaskExecutors.BLOCKING)
    HttpResponse<?> dispatchBatch(@Body String body) {
        List<Dispatched> dispatched = client.dispatchBatch(DispatchBody.readBatch(body, json, clock.instant()));
        List<Map<String, Object>> answers = new ArrayList<>(dispatched.size());
        Map<List<String>, Integer> created = new LinkedHashMap<>();
        for (Dispatched one : dispatched) {
            if (!one.duplicate()) {
                created.merge(List.of(one.envelope().task(), one.envelope().queue()), 1, Integer::sum);
            }
            answers.add(Map.of("id", one.id().toString(), "duplicate", one.duplicate()));
        }
        created.forEach((taskQueue, count) -> metrics.dispatched(taskQueue.get(0), taskQueue.get(1), count));
        return HttpResponse.accepted().body(Map.of("tasks", answers));
    }

    /**
     * A batch's refused item: 400 whatever the refusal (a single dispatch's would be 404, 413 or 422), with the
     * refusal's own code, {@code field} naming the item and, within it, the refused option when there is one.
     */
    @Error(exception = InvalidBatchException.class)
    HttpResponse<ApiError> invalidBatch(InvalidBatchException e) {
        String at = "tasks[" + e.index() + "]";
        String message = at + ": " + e.refusal().getMessage();
        ApiError error = switch (e.refusal()) {
            case UnknownTaskException unknown -> ApiError.ofField("unknown_task", message, at);
            case ArgumentBindingException binding -> new ApiError("invalid_arguments", message, binding.parameter(), at);
            case InvalidDispatchException option -> ApiError.ofField("invalid_option", message,
                    option.field() == null ? at : at + "." + option.field());
            case PayloadTooLargeException large -> ApiError.ofField("payload_too_large", message, at);
            default -> ApiError.ofField("invalid_field", message, at);
        };
        return HttpResponse.<ApiError>status(HttpStatus.BAD_REQUEST).body(error);
    }

    /** Redis first (where a running or recent execution is), then the history; each one answers alone. */
    @Get("/{id}")
    @Secured(Permissions.VIEW)
    @ExecuteOn(TaskExecutors.BLOCKING)
    HttpResponse<?> get(UUID id) {
        return live(id).or(() -> executions.detail(id)).<HttpResponse<?>>map(HttpResponse::ok)
                .orElseGet(() -> ActionAnswers.notFound(id));
    }

    /** The execution in Redis; empty when it is not there or Redis does not answer. */
    private Optional<ExecutionDetail> live(UUID id) {
        try {
            return executions.live(id);
        } catch (BrokerUnavailableException e) {
            return Optional.empty();
        }
    }

    /**
     * The execution a duplicate names: in Redis, else in the history (a unique task's lock may outlive its holder's
     * day in Redis, and the holder have succeeded long ago), else what the dispatch knows. Never an error: the
     * dispatch was accepted.
     */
    private Object earlier(Dispatched dispatched) {
        return live(dispatched.id()).or(() -> {
            try {
                return executions.recorded(dispatched.id());
            } catch (Jdbc.DatabaseException e) {
                return Optional.empty();
            }
        }).<Object>map(detail -> detail).orElseGet(() -> enqueued(dispatched));
    }

    /**
     * The answer when Redis accepted the dispatch but could not be read back at once: once enqueued, a dispatch
     * is never answered with an error (a client that retries on errors would enqueue it twice).
     */
    private static Map<String, Object> enqueued(Dispatched dispatched) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", dispatched.id().toString());
        answer.put("task_name", dispatched.envelope().task());
        answer.put("status", ExecutionStatus.PENDING.value());
        answer.put("queue", dispatched.envelope().queue());
        return answer;
    }

    @Post("/{id}/revoke")
    @Secured(Permissions.MANAGE)
    @ExecuteOn(TaskExecutors.BLOCKING)
    HttpResponse<?> revoke(UUID id, Authentication user) {
        return ActionAnswers.revoke(executions.revoke(id, user.getName()));
    }
}
