package io.chard.admin;

import io.chard.broker.ExecutionStatus;

import io.chard.broker.Envelope;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.chard.broker.ExecutionSnapshot;
import io.chard.history.ExecutionRecord;
import io.chard.trace.TraceParent;
import io.chard.trace.Tracing;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * One execution in full (TaskExecutionDetail), from the history or, while the history has not recorded it
 * yet, from the broker's live state. The task API and the admin API both answer with it.
 *
 * @param workflowId the canvas workflow this execution is a member of (its history {@code root_id}); null for a
 *                   plain execution and until the history recorded it
 */
@Serdeable(naming = SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ExecutionDetail(
        UUID id,
        @Nullable String taskId,
        @Nullable String taskName,
        String status,
        @Nullable String queue,
        int priority,
        int progress,
        @Nullable String progressStep,
        @Nullable JsonNode args,
        @Nullable JsonNode kwargs,
        @Nullable JsonNode result,
        @Nullable String exceptionType,
        @Nullable String exceptionMessage,
        @Nullable String traceback,
        @Nullable String revokeReason,
        int retries,
        int deliveries,
        int staleReports,
        @Nullable String worker,
        @Nullable Instant queuedAt,
        @Nullable Instant eta,
        @Nullable Instant expiresAt,
        @Nullable Instant startedAt,
        @Nullable Instant finishedAt,
        @Nullable Instant heartbeatAt,
        @Nullable UUID retriedFromId,
        List<UUID> retriedBy,
        JsonNode timeline,
        @Nullable String traceId, List<Attempt> attempts,
        @Nullable UUID workflowId) {

    public static ExecutionDetail of(ExecutionRecord r, List<UUID> retriedBy, JsonMapper json) {
        JsonNode timeline = orEmpty(parse(r.timeline(), json));
        return new ExecutionDetail(r.id(), r.taskId(), r.taskName(), r.status(), r.queue(), r.priority(),
                r.progress(), r.progressStep(), parse(r.args(), json), parse(r.kwargs(), json),
                parse(r.result(), json), r.exceptionType(), r.exceptionMessage(), r.traceback(), r.revokeReason(),
                r.retries(), r.deliveries(), r.staleReports(), r.worker(), r.queuedAt(), r.eta(), r.expiresAt(),
                r.startedAt(), r.finishedAt(), r.heartbeatAt(), r.retriedFromId(), retriedBy, timeline, r.traceId(),
                Attempt.of(timeline), r.rootId());
    }

    public static ExecutionDetail of(ExecutionSnapshot s, JsonMapper json) {
        JsonNode envelope = parse(s.envelope(), json);
        return new ExecutionDetail(s.id(), s.id().toString(), text(envelope, "task"), s.status().value(), s.queue(),
                number(envelope, "priority"), s.progress(), blankToNull(s.step()), field(envelope, "args"),
                field(envelope, "kwargs"), parse(s.resultJson(), json), blankToNull(s.exceptionType()),
                blankToNull(s.message()), blankToNull(s.traceback()), blankToNull(s.reason()), s.retries(),
                s.deliveries(), 0, blankToNull(s.worker()), s.queuedAt(), s.eta(), null, s.startedAt(),
                s.finishedAt(), null, uuid(text(envelope, "retriedFrom")), List.of(),
                JsonNode.createArrayNode(List.of()), traceId(envelope), List.of(), null);
    }

    /**
     * A new execution as the enqueue script stored it, from its envelope: what reading the hash back would answer
     * at that moment, without a second round trip to Redis per dispatch.
     */
    public static ExecutionDetail dispatched(Envelope e) {
        // Redis keeps times in whole milliseconds; a read answers them so.
        Instant eta = e.eta() != null && e.eta().isAfter(e.queuedAt()) ? millis(e.eta()) : null;
        String traceparent = e.headers() == null ? null : e.headers().get(Tracing.TRACEPARENT);
        return new ExecutionDetail(e.id(), e.id().toString(), e.task(), ExecutionStatus.PENDING.value(), e.queue(),
                e.priority(), 0, null, e.args(), e.kwargs(), null, null, null, null, null, 0, 0, 0, null,
                millis(e.queuedAt()), eta, e.expires() == null ? null : millis(e.expires()), null, null, null, e.retriedFrom(), List.of(),
                JsonNode.createArrayNode(List.of()), TraceParent.parse(traceparent).map(TraceParent::traceId)
                .orElse(null), List.of(), null);
    }

    /** The same execution showing these arguments instead ({@link Redactor}). */
    ExecutionDetail withArguments(@Nullable JsonNode shownArgs, @Nullable JsonNode shownKwargs) {
        return new ExecutionDetail(id, taskId, taskName, status, queue, priority, progress, progressStep, shownArgs,
                shownKwargs, result, exceptionType, exceptionMessage, traceback, revokeReason, retries, deliveries,
                staleReports, worker, queuedAt, eta, expiresAt, startedAt, finishedAt, heartbeatAt, retriedFromId,
                retriedBy, timeline, traceId, attempts, workflowId);
    }

    private static Instant millis(Instant at) {
        return at.truncatedTo(ChronoUnit.MILLIS);
    }

    private static String traceId(JsonNode envelope) {
        return TraceParent.parse(text(field(envelope, "headers"), Tracing.TRACEPARENT))
                .map(TraceParent::traceId).orElse(null);
    }

    private static JsonNode parse(String text, JsonMapper json) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return json.readValue(text, JsonNode.class);
        } catch (IOException e) {
            return JsonNode.createStringNode(text);
        }
    }

    private static JsonNode orEmpty(JsonNode node) {
        return node == null ? JsonNode.createArrayNode(List.of()) : node;
    }

    private static JsonNode field(JsonNode node, String name) {
        JsonNode value = node == null ? null : node.get(name);
        return value == null || value.isNull() ? null : value;
    }

    private static String text(JsonNode node, String name) {
        JsonNode value = field(node, name);
        return value == null ? null : value.coerceStringValue();
    }

    private static int number(JsonNode node, String name) {
        JsonNode value = field(node, name);
        return value != null && value.isNumber() ? value.getIntValue() : 0;
    }

    private static UUID uuid(String text) {
        return text == null ? null : UUID.fromString(text);
    }

    private static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
