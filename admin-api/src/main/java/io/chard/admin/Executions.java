package io.chard.admin;

import io.chard.admin.audit.AuditLog;
import io.chard.broker.ExecutionStatus;
import io.chard.broker.Revocation;
import io.chard.client.DispatchRequest;
import io.chard.client.Dispatched;
import io.chard.client.TaskClient;
import io.chard.history.ExecutionRecord;
import io.chard.history.HistoryStore;
import io.chard.history.TaskRetried;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The operations on one execution that both APIs offer: read it (history first, live state while the
 * history has not caught up), revoke it, retry it. Admin actions are checked against the allowed
 * transitions here, audited, and published.
 */
@Singleton
public class Executions {
    /** An operator may retry only what ended badly: retrying a success or a running task would run it twice. */
    static final Set<String> RETRYABLE = Set.of("failed", "stuck");

    private final TaskClient client;
    private final HistoryStore history;
    private final AuditLog audit;
    private final ApplicationEventPublisher<TaskRetried> retried;
    private final JsonMapper json;

    Executions(TaskClient client, HistoryStore history, AuditLog audit,
               ApplicationEventPublisher<TaskRetried> retried, JsonMapper json) {
        this.client = client;
        this.history = history;
        this.audit = audit;
        this.retried = retried;
        this.json = json;
    }

    public Optional<ExecutionDetail> detail(UUID id) {
        Optional<ExecutionRecord> recorded = history.find(id);
        if (recorded.isPresent()) {
            return Optional.of(ExecutionDetail.of(recorded.get(), history.retriedBy(id), json));
        }
        return client.snapshot(id).map(snapshot -> ExecutionDetail.of(snapshot, json));
    }

    HttpResponse<?> revoke(UUID id, String username) {
        Revocation revocation = client.revoke(id);
        return switch (revocation) {
            case REVOKED, STOP_REQUESTED -> {
                audit.record(username, "revoke", id.toString(), revocation.name().toLowerCase());
                yield HttpResponse.ok(Map.of("id", id.toString(), "revocation", revocation.name().toLowerCase()));
            }
            case ALREADY_FINISHED -> alreadyFinished(id);
            case UNKNOWN -> history.find(id).<HttpResponse<?>>map(row -> alreadyFinished(id))
                    .orElseGet(() -> notFound(id));
        };
    }

    /** Dispatches a failed or stuck execution again as a new one pointing back at it. */
    HttpResponse<?> retry(UUID id, String username) {
        Optional<ExecutionRecord> found = history.find(id);
        if (found.isEmpty()) {
            return notFound(id);
        }
        ExecutionRecord original = found.get();
        if (!RETRYABLE.contains(original.status())) {
            return HttpResponse.status(HttpStatus.CONFLICT).body(ApiError.of("not_retryable",
                    "only failed or stuck executions can be retried; " + id + " is " + original.status()));
        }
        if (stillRunning(id)) {
            return HttpResponse.status(HttpStatus.CONFLICT).body(ApiError.of("not_retryable",
                    id + " is still running according to the broker"));
        }
        UUID newId = retryUnchecked(original, username);
        return HttpResponse.ok(detail(newId).orElseThrow());
    }

    /** "stuck" in a history that lags behind, while the broker still sees it run: a retry would run it twice. */
    boolean stillRunning(UUID id) {
        return client.snapshot(id).map(live -> live.status() == ExecutionStatus.RUNNING).orElse(false);
    }

    UUID retryUnchecked(ExecutionRecord original, String username) {
        DispatchRequest request = new DispatchRequest(original.taskName(), parse(original.args()),
                parse(original.kwargs()), original.queue(), original.priority(), null, null, null, null,
                original.id());
        Dispatched dispatched = client.dispatch(request);
        audit.record(username, "retry", original.id().toString(), "as " + dispatched.id());
        retried.publishEvent(new TaskRetried(original.id(), dispatched.id(), original.taskName()));
        return dispatched.id();
    }

    static HttpResponse<?> notFound(UUID id) {
        return HttpResponse.status(HttpStatus.NOT_FOUND).body(ApiError.of("not_found", "no execution " + id));
    }

    private HttpResponse<?> alreadyFinished(UUID id) {
        String status = detail(id).map(ExecutionDetail::status).orElse("finished");
        return HttpResponse.status(HttpStatus.CONFLICT).body(ApiError.of("already_finished",
                "execution " + id + " has already ended (" + status + ")"));
    }

    private JsonNode parse(String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readValue(text, JsonNode.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored arguments are not JSON: " + e.getMessage(), e);
        }
    }
}
