package io.chard.admin;

import io.chard.admin.audit.AuditLog;
import io.chard.broker.BrokerUnavailableException;
import io.chard.broker.ExecutionSnapshot;
import io.chard.broker.ExecutionStatus;
import io.chard.broker.Promotion;
import io.chard.broker.Revocation;
import io.chard.client.DispatchRequest;
import io.chard.client.Dispatched;
import io.chard.client.InvalidDispatchException;
import io.chard.client.PayloadTooLargeException;
import io.chard.client.TaskClient;
import io.chard.database.Jdbc;
import io.chard.history.ExecutionFilter;
import io.chard.history.ExecutionRecord;
import io.chard.history.HistoryStore;
import io.chard.history.TaskRetried;
import io.chard.task.ArgumentBindingException;
import io.chard.task.UnknownTaskException;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;

/**
 * The operations on one execution that both APIs offer: read it (history first, live state while the
 * history has not caught up), revoke it, retry it. Admin actions are checked against the transition table
 * ({@link ExecutionStatus}) before they run, audited, and published; they answer {@link ActionResult}s, which the
 * routes turn into HTTP.
 */
@Singleton
public class Executions {
    private final TaskClient client;
    private final HistoryStore history;
    private final AuditLog audit;
    private final ApplicationEventPublisher<TaskRetried> retried;
    private final JsonMapper json;
    private final Redactor redactor;

    Executions(TaskClient client, HistoryStore history, AuditLog audit,
               ApplicationEventPublisher<TaskRetried> retried, JsonMapper json, Redactor redactor) {
        this.client = client;
        this.history = history;
        this.audit = audit;
        this.retried = retried;
        this.json = json;
        this.redactor = redactor;
    }

    /** The execution as the history has it, else as Redis has it; its hidden arguments hidden ({@link Redactor}). */
    public Optional<ExecutionDetail> detail(UUID id) {
        return recorded(id).or(() -> live(id));
    }

    /** The execution as the history has it (PostgreSQL only). */
    Optional<ExecutionDetail> recorded(UUID id) {
        return history.find(id).map(row -> redactor.detail(ExecutionDetail.of(row, history.retriedBy(id), json)));
    }

    /** The execution as Redis has it; empty when Redis no longer holds it. */
    Optional<ExecutionDetail> live(UUID id) {
        return client.snapshot(id).map(snapshot -> redactor.detail(ExecutionDetail.of(snapshot, json)));
    }

    /**
     * Revokes a waiting execution at once, or asks the worker of a running one to stop. An execution the history
     * has seen end is refused without asking the broker; otherwise the revoke script decides, atomically, by the
     * same table. A revoke works from Redis alone while PostgreSQL is down: the history only answers sooner, and
     * is needed only to tell an execution Redis has let go from one that never was.
     */
    ActionResult.OfRevoke revoke(UUID id, String username) {
        Optional<ExecutionStatus> recorded = recordedUnlessDown(id);
        if (recorded.isPresent() && !recorded.get().canBecome(ExecutionStatus.REVOKED)) {
            return ended(id, recorded.get());
        }
        try {
            Revocation revocation = client.revoke(id);
            return switch (revocation) {
                case REVOKED, STOP_REQUESTED -> {
                    audit.record(username, "revoke", id.toString(), revocation.name().toLowerCase(Locale.ROOT));
                    yield new ActionResult.Revoked(id, revocation);
                }
                case ALREADY_FINISHED -> ended(id, liveStatus(id).or(() -> recorded).orElse(null));
                // Asked again (rare: an id Redis let go, or none): with PostgreSQL down its outage is the answer,
                // a 503, and nothing was changed.
                case UNKNOWN -> recordedStatus(id).<ActionResult.OfRevoke>map(status -> new ActionResult.NotAllowed(id,
                                status, "the broker no longer holds execution " + id + " (" + status.value()
                                        + " in the history), so nothing is left to revoke"))
                        .orElseGet(() -> new ActionResult.NotFound(id));
            };
        } catch (BrokerUnavailableException e) {
            return new ActionResult.BrokerUnavailable(e.getMessage());
        }
    }

    private Optional<ExecutionStatus> recordedStatus(UUID id) {
        return history.find(id).map(row -> ExecutionStatus.of(row.status()));
    }

    /** The history's status, or none while PostgreSQL is down: the revoke script then decides alone. */
    private Optional<ExecutionStatus> recordedUnlessDown(UUID id) {
        try {
            return recordedStatus(id);
        } catch (Jdbc.DatabaseException e) {
            return Optional.empty();
        }
    }

    /**
     * Runs an execution that waits for its due time now: a scheduled one's countdown or eta, a retrying one's
     * backoff. {@code seenRetries} (the retries the operator's page showed) fences it: when a later retry waits by
     * now, its backoff is left alone and the operator is told to look again.
     */
    ActionResult.OfRunNow runNow(UUID id, @io.micronaut.core.annotation.Nullable Integer seenRetries,
                                 String username) {
        try {
            Promotion promotion = client.promote(id, seenRetries);
            return switch (promotion.outcome()) {
                case PROMOTED -> {
                    audit.record(username, "run_now", id.toString(), "queue " + promotion.queue());
                    yield new ActionResult.RanNow(id);
                }
                case LATER_ATTEMPT -> new ActionResult.NotAllowed(id, ExecutionStatus.RETRYING, "a later retry of " + id
                        + " than the one shown waits now; look at it again before running it now");
                case NOT_DELAYED -> {
                    ExecutionStatus status = liveStatus(id).orElse(null);
                    yield new ActionResult.NotAllowed(id, status, id + " is not waiting for a due time"
                            + (status == null ? "" : " (it is " + status.value() + ")"));
                }
                case UNKNOWN -> history.find(id).<ActionResult.OfRunNow>map(row -> new ActionResult.NotAllowed(id,
                                ExecutionStatus.of(row.status()), "the broker no longer holds execution " + id + " ("
                                + row.status() + " in the history), so it waits for nothing"))
                        .orElseGet(() -> new ActionResult.NotFound(id));
            };
        } catch (BrokerUnavailableException e) {
            return new ActionResult.BrokerUnavailable(e.getMessage());
        }
    }

    /**
     * Hides the failures the filter matches from the Dead list (their history rows stay), each audited; answers the
     * ids discarded now.
     */
    List<UUID> discardAll(ExecutionFilter filter, int max, String username) {
        List<UUID> discarded = history.discard(filter, max, username);
        discarded.forEach(id -> audit.record(username, "discard", id.toString(), null));
        return discarded;
    }

    /** Dispatches a failed or stuck execution again as a new one pointing back at it. */
    ActionResult.OfRetry retry(UUID id, String username) {
        Optional<ExecutionRecord> found = history.find(id);
        if (found.isEmpty()) {
            return new ActionResult.NotFound(id);
        }
        try {
            Optional<ActionResult.NotAllowed> refused = retryRefusal(found.get());
            if (refused.isPresent()) {
                return refused.get();
            }
            Dispatched dispatched = dispatchAgain(found.get(), username);
            return new ActionResult.Retried(readBack(dispatched));
        } catch (BrokerUnavailableException e) {
            return new ActionResult.BrokerUnavailable(e.getMessage());
        }
    }

    /**
     * The retry just dispatched, read back; once a new execution was enqueued, a read that fails (PostgreSQL or Redis
     * gone a moment) answers what was dispatched, never an error that would have the operator retry again. A
     * duplicate changed nothing, so its read may fail as any read does.
     */
    private ExecutionDetail readBack(Dispatched dispatched) {
        try {
            return detail(dispatched.id()).orElseThrow();
        } catch (Jdbc.DatabaseException | BrokerUnavailableException | NoSuchElementException e) {
            if (dispatched.duplicate()) {
                throw e;
            }
            return redactor.detail(ExecutionDetail.dispatched(dispatched.envelope()));
        }
    }

    /** What a bulk retry did: the new executions, and the matches it could not dispatch again, with why. */
    record BulkRetry(List<UUID> retried, Map<String, String> refused) {
    }

    /**
     * Retries up to {@code max} executions the filter matches, leaving out those a single retry would refuse by
     * status, and going on past those the client refuses to dispatch (a task no longer deployed, arguments its new
     * signature does not take): one such row stopped the whole run, every time at the same row, after the newer
     * ones were retried.
     */
    BulkRetry retryAll(ExecutionFilter filter, int max, String username) {
        List<UUID> created = new ArrayList<>();
        Map<String, String> refused = new LinkedHashMap<>();
        for (UUID id : history.ids(filter, max)) {
            Optional<ExecutionRecord> original = history.find(id).filter(row -> retryRefusal(row).isEmpty());
            if (original.isEmpty()) {
                continue;
            }
            try {
                Dispatched dispatched = dispatchAgain(original.get(), username);
                if (!dispatched.duplicate()) {
                    created.add(dispatched.id());
                }
            } catch (UnknownTaskException | ArgumentBindingException | InvalidDispatchException
                     | PayloadTooLargeException e) {
                refused.put(id.toString(), e.getMessage());
            }
        }
        return new BulkRetry(created, refused);
    }

    /**
     * Why an operator may not retry it now, if so. The history's status must be retryable (failed or stuck), and
     * so must the broker's while it still holds the execution: "stuck" in a history that lags behind may be
     * running, waiting for a redelivery, or even succeeded in the broker, and a retry would run it twice.
     */
    private Optional<ActionResult.NotAllowed> retryRefusal(ExecutionRecord original) {
        UUID id = original.id();
        ExecutionStatus recorded = ExecutionStatus.of(original.status());
        if (!recorded.retryable()) {
            return Optional.of(new ActionResult.NotAllowed(id, recorded,
                    "only failed or stuck executions can be retried; " + id + " is " + recorded.value()));
        }
        return liveStatus(id).filter(live -> !live.retryable()).map(live -> new ActionResult.NotAllowed(id, live,
                id + " is " + (live == ExecutionStatus.RUNNING ? "still running" : live.value())
                        + " according to the broker"));
    }

    /** The broker's status while it holds the execution (until the result TTL after it ends). */
    private Optional<ExecutionStatus> liveStatus(UUID id) {
        return client.snapshot(id).map(ExecutionSnapshot::status);
    }

    /**
     * Dispatches the retry once per original: its idempotency key {@code retry:<original id>} makes a double click,
     * or a bulk retry run twice, answer the retry already dispatched (inside the idempotency window, atomically in
     * the enqueue script); after the window the history's retry chain says the same. Only a new retry is audited
     * and published.
     */
    private Dispatched dispatchAgain(ExecutionRecord original, String username) {
        List<UUID> earlier = history.retriedBy(original.id());
        if (!earlier.isEmpty()) {
            return new Dispatched(earlier.getLast(), null, true);
        }
        DispatchRequest request = new DispatchRequest(original.taskName(), parse(original.args()),
                parse(original.kwargs()), original.queue(), original.priority(), null, null, null,
                "retry:" + original.id(), original.id());
        Dispatched dispatched = client.dispatch(request);
        if (!dispatched.duplicate()) {
            audit.record(username, "retry", original.id().toString(), "as " + dispatched.id());
            retried.publishEvent(new TaskRetried(original.id(), dispatched.id(), original.taskName()));
        }
        return dispatched;
    }

    private static ActionResult.NotAllowed ended(UUID id, ExecutionStatus status) {
        return new ActionResult.NotAllowed(id, status, "execution " + id + " has already ended ("
                + (status == null ? "finished" : status.value()) + ")");
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
