package io.chard.history;

import io.chard.broker.BrokerEvent;
import io.chard.broker.ExecutionEvent;
import io.chard.broker.ExecutionStatus;
import io.chard.trace.TraceParent;
import io.chard.trace.Tracing;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The net change to one history row from a run of its events, folded in event order: a later event's
 * value replaces an earlier one's, a field no event touched stays null (and leaves the column alone). The status
 * is the one {@link ExecutionEvent#status()} names for the latest event that changes it.
 */
public final class ExecutionChange {
    final UUID id;
    long seq;
    /**
     * The change's oldest event. A row whose last event lies between this and {@link #seq} (another recorder wrote
     * events that fall between this change's, as when a lingering batch's top-up brings an execution's late event)
     * is neither newer nor older than the change as a whole: the writer merges such a change event by event.
     */
    long firstSeq = Long.MAX_VALUE;
    String taskName;
    String status;
    String queue;
    String priority;
    String args;
    String kwargs;
    String result;
    String traceback;
    String exceptionType;
    String exceptionMessage;
    String revokeReason;
    String worker;
    String retries;
    String deliveries;
    String staleReports;
    String progress;
    String progressStep;
    String idempotencyKey;
    String retriedFromId;
    String parentId;
    String rootId;
    String groupId;
    String queuedAt;
    String eta;
    String expiresAt;
    String startedAt;
    String finishedAt;
    String heartbeatAt;
    String traceId;
    String workflowTree;
    String timelineJson;
    /**
     * Whether the change holds its execution's {@code enqueued} event, the first of its life: the row is then new,
     * unless the batch is a replay or another recorder wrote a later event of it first (see
     * {@link HistoryWriter#apply}).
     */
    boolean created;
    private final List<TimelineEntry> timeline = new ArrayList<>();
    /** The events folded, in order, kept for {@link #eventByEvent}. */
    private final List<BrokerEvent> events = new ArrayList<>();
    private JsonMapper json;

    /** The longest exception message kept, in characters (see {@link #seal}). */
    static final int MESSAGE_LIMIT = 64 * 1024;

    ExecutionChange(UUID id) {
        this.id = id;
    }

    /**
     * Finishes the change for writing: the timeline as a JSON array (null when none), and values PostgreSQL
     * would refuse made storable (NUL characters, texts longer than their columns).
     */
    void seal(JsonMapper json) {
        taskName = text(taskName, 200);
        queue = text(queue, 100);
        exceptionType = text(exceptionType, 300);
        // Cut as the worker cuts a traceback: the error search's GIN index holds at most 1 MB of a row's words
        // (to_tsvector), and PostgreSQL refused a longer message's row with 54000, the batch and every one after it.
        exceptionMessage = text(exceptionMessage, MESSAGE_LIMIT);
        traceback = text(traceback, Integer.MAX_VALUE);
        revokeReason = text(revokeReason, 200);
        worker = text(worker, 200);
        progressStep = text(progressStep, 200);
        idempotencyKey = text(idempotencyKey, 200);
        args = JsonbText.clean(args);
        kwargs = JsonbText.clean(kwargs);
        result = JsonbText.clean(result);
        if (timeline.isEmpty()) {
            return;
        }
        // In seq order, as the row's timeline is kept (the merge appends a change that comes after the row whole).
        timeline.sort(Comparator.comparingLong(TimelineEntry::seq));
        try {
            timelineJson = JsonbText.clean(json.writeValueAsString(timeline));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(String value, int limit) {
        if (value == null) {
            return null;
        }
        String clean = value.indexOf('\u0000') < 0 ? value : value.replace("\u0000", "");
        return clean.length() <= limit ? clean : clean.substring(0, limit);
    }

    boolean failed() {
        return ExecutionStatus.FAILED.value().equals(status);
    }

    /** The change as one sealed change per event, in event order. */
    List<ExecutionChange> eventByEvent() {
        List<ExecutionChange> singles = new ArrayList<>(events.size());
        for (BrokerEvent event : events.stream().sorted(Comparator.comparingLong(BrokerEvent::seq)).toList()) {
            ExecutionChange single = new ExecutionChange(id);
            single.apply(event, json);
            single.seal(json);
            singles.add(single);
        }
        return singles;
    }

    void apply(BrokerEvent event, JsonMapper json) {
        seq = Math.max(seq, event.seq());
        firstSeq = Math.min(firstSeq, event.seq());
        events.add(event);
        this.json = json;
        Map<String, String> d = event.data();
        ExecutionEvent kind = ExecutionEvent.of(event.type()).orElse(null);
        if (kind == null) {
            return; // An event type from a newer Chard: its seq still counts, its fields are not ours to guess.
        }
        TimelineEntry entry = TimelineDetail.entry(kind, event);
        if (entry != null) {
            timeline.add(entry);
        }
        kind.status().ifPresent(next -> status = next.value());
        switch (kind) {
            case ENQUEUED -> {
                created = true;
                enqueued(d.get("env"), json);
                eta = instant(d.get("eta"));
                rootId = blankToNull(d.get("root"));
                parentId = blankToNull(d.get("parent"));
                groupId = blankToNull(d.get("group"));
                workflowTree = blankToNull(d.get("tree"));
            }
            case JOINED -> {
                enqueued(d.get("env"), json); // its arguments now hold the predecessors' values
                // Its countdown and its default expiry, counted from the release (the envelope names neither).
                eta = instant(d.get("eta"));
                String expires = instant(d.get("expires"));
                if (expires != null) {
                    expiresAt = expires;
                }
            }
            case CANCELLED -> {
                revokeReason = d.get("reason");
                finishedAt = instant(d.get("finished"));
            }
            case STARTED -> {
                worker = d.get("worker");
                deliveries = d.get("deliveries");
                retries = d.get("retries");
                startedAt = event.at().toString();
                heartbeatAt = startedAt;
            }
            case HEARTBEAT -> heartbeatAt = instant(d.get("heartbeat"));
            case PROGRESS -> {
                progress = d.get("progress");
                progressStep = d.get("step");
            }
            case SUCCEEDED -> {
                result = d.get("result");
                progress = "100";
                finishedAt = instant(d.get("finished"));
            }
            case FAILED -> {
                taskName = d.get("task") != null ? d.get("task") : taskName;
                failure(d.get("exc"), d.get("message"), d.get("traceback"));
                finishedAt = instant(d.get("finished"));
            }
            case RETRYING -> {
                retries = d.get("retries");
                eta = instant(d.get("eta"));
                failure(d.get("exc"), d.get("message"), d.get("traceback"));
            }
            case REVOKED -> {
                revokeReason = d.get("reason");
                finishedAt = instant(d.get("finished"));
            }
            case REVOKE_REQUESTED -> revokeReason = d.get("reason");
            case PROMOTED -> eta = instant(d.get("eta"));
            case STALE -> staleReports = d.get("stale");
            case LEASE_EXPIRED, RELEASED -> {
                // Only the status changes: back to pending.
            }
        }
    }

    private void failure(String type, String message, String trace) {
        exceptionType = type;
        exceptionMessage = message;
        traceback = trace;
    }

    private void enqueued(String envelope, JsonMapper json) {
        JsonNode env;
        try {
            env = json.readValue(envelope, JsonNode.class);
        } catch (IOException e) {
            exceptionType = "PoisonMessage";
            exceptionMessage = "unreadable envelope: " + e.getMessage();
            return;
        }
        taskName = text(env.get("task"));
        queue = text(env.get("queue"));
        priority = text(env.get("priority"));
        args = jsonOf(env.get("args"), json);
        kwargs = jsonOf(env.get("kwargs"), json);
        idempotencyKey = text(env.get("idempotencyKey"));
        retriedFromId = text(env.get("retriedFrom"));
        queuedAt = instant(env.get("queuedAt"));
        expiresAt = instant(env.get("expires"));
        JsonNode headers = env.get("headers");
        traceId = headers == null || !headers.isObject() ? null
                : TraceParent.parse(text(headers.get(Tracing.TRACEPARENT))).map(TraceParent::traceId).orElse(null);
    }

    static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.coerceStringValue();
    }

    /** An envelope instant, written as ISO-8601 text or (with timestamps on) as epoch seconds. */
    private static String instant(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isNumber()) {
            BigDecimal seconds = node.getBigDecimalValue();
            return Instant.ofEpochSecond(seconds.longValue(),
                    seconds.remainder(BigDecimal.ONE).movePointRight(9).longValue()).toString();
        }
        return node.getStringValue();
    }

    private static String jsonOf(JsonNode node, JsonMapper json) {
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            return json.writeValueAsString(node);
        } catch (IOException e) {
            return null;
        }
    }

    private static String instant(String millis) {
        return millis == null || millis.isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(millis)).toString();
    }
}
