package io.chard.admin;

import io.chard.broker.ExecutionSnapshot;
import io.chard.history.ExecutionRecord;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

import java.io.IOException;
import java.time.Instant;
import java.util.UUID;

/** An execution as the task API shows it, from the broker's live state or, once that expired, the history. */
@Serdeable(naming = SnakeCaseStrategy.class)
public record ExecutionView(
        UUID id,
        @Nullable String taskName,
        String status,
        @Nullable String queue,
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
        @Nullable String worker,
        @Nullable String queuedAt,
        @Nullable String eta,
        @Nullable String startedAt,
        @Nullable String finishedAt) {

    static ExecutionView of(ExecutionSnapshot s, JsonMapper json) {
        JsonNode envelope = parse(s.envelope(), json);
        return new ExecutionView(s.id(), text(envelope, "task"), s.status().value(), s.queue(), s.progress(),
                blankToNull(s.step()), field(envelope, "args"), field(envelope, "kwargs"), parse(s.resultJson(), json),
                blankToNull(s.exceptionType()), blankToNull(s.message()), blankToNull(s.traceback()),
                blankToNull(s.reason()), s.retries(), s.deliveries(), blankToNull(s.worker()), iso(s.queuedAt()),
                iso(s.eta()), iso(s.startedAt()), iso(s.finishedAt()));
    }

    static ExecutionView of(ExecutionRecord r, JsonMapper json) {
        return new ExecutionView(r.id(), r.taskName(), r.status(), r.queue(), r.progress(), r.progressStep(),
                parse(r.args(), json), parse(r.kwargs(), json), parse(r.result(), json), r.exceptionType(),
                r.exceptionMessage(), r.traceback(), r.revokeReason(), r.retries(), r.deliveries(), r.worker(),
                iso(r.queuedAt()), iso(r.eta()), iso(r.startedAt()), iso(r.finishedAt()));
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

    private static JsonNode field(JsonNode node, String name) {
        return node == null ? null : node.get(name);
    }

    private static String text(JsonNode node, String name) {
        JsonNode value = field(node, name);
        return value == null || value.isNull() ? null : value.coerceStringValue();
    }

    private static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static String iso(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
