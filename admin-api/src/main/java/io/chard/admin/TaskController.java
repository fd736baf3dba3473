package io.chard.admin;

import io.chard.broker.ExecutionSnapshot;
import io.chard.broker.ExecutionStatus;
import io.chard.broker.Revocation;
import io.chard.client.Dispatched;
import io.chard.client.TaskClient;
import io.chard.history.ExecutionRecord;
import io.chard.history.HistoryStore;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Dispatch over HTTP, and the state of one execution for callers that poll. */
@Controller("/api/background_tasks/tasks")
@ExecuteOn(TaskExecutors.BLOCKING)
@Produces(MediaType.APPLICATION_JSON)
class TaskController {
    private final TaskClient client;
    private final HistoryStore history;
    private final JsonMapper json;
    private final Clock clock;

    TaskController(TaskClient client, HistoryStore history, JsonMapper json, Clock clock) {
        this.client = client;
        this.history = history;
        this.json = json;
        this.clock = clock;
    }

    /** The body is read as text so that malformed JSON gets our error, not the framework's. */
    @Post(consumes = {MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN})
    HttpResponse<?> dispatch(@Body String body) {
        Dispatched dispatched = client.dispatch(DispatchBody.read(body, json, clock.instant()));
        Optional<ExecutionView> current = dispatched.duplicate() ? view(dispatched.id()) : Optional.empty();
        return HttpResponse.accepted().body(current.orElseGet(() -> new ExecutionView(dispatched.id(),
                dispatched.envelope().task(), ExecutionStatus.PENDING.value(), dispatched.envelope().queue(), 0,
                null, dispatched.envelope().args(), dispatched.envelope().kwargs(), null, null, null, null, null, 0,
                0, null, dispatched.envelope().queuedAt().toString(),
                dispatched.envelope().eta() == null ? null : dispatched.envelope().eta().toString(), null, null)));
    }

    @Get("/{id}")
    HttpResponse<?> get(UUID id) {
        return view(id).<HttpResponse<?>>map(HttpResponse::ok)
                .orElseGet(() -> notFound(id));
    }

    @Post("/{id}/revoke")
    HttpResponse<?> revoke(UUID id) {
        Revocation revocation = client.revoke(id);
        return switch (revocation) {
            case REVOKED, STOP_REQUESTED -> HttpResponse.status(revocation == Revocation.REVOKED
                    ? HttpStatus.OK : HttpStatus.ACCEPTED).body(Map.of("id", id.toString(),
                    "revocation", revocation.name().toLowerCase()));
            case ALREADY_FINISHED -> alreadyFinished(id);
            case UNKNOWN -> history.find(id).<HttpResponse<?>>map(row -> alreadyFinished(id))
                    .orElseGet(() -> notFound(id));
        };
    }

    private Optional<ExecutionView> view(UUID id) {
        Optional<ExecutionSnapshot> live = client.snapshot(id);
        if (live.isPresent()) {
            return Optional.of(ExecutionView.of(live.get(), json));
        }
        Optional<ExecutionRecord> recorded = history.find(id);
        return recorded.map(row -> ExecutionView.of(row, json));
    }

    private HttpResponse<?> alreadyFinished(UUID id) {
        String status = view(id).map(ExecutionView::status).orElse("finished");
        return HttpResponse.status(HttpStatus.CONFLICT).body(ApiError.of("already_finished",
                "execution " + id + " has already ended (" + status + ")"));
    }

    private static HttpResponse<?> notFound(UUID id) {
        return HttpResponse.status(HttpStatus.NOT_FOUND).body(ApiError.of("not_found", "no execution " + id));
    }
}
