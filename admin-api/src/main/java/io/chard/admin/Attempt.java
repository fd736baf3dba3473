package io.chard.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One delivery of an execution to a worker, read back from the history's timeline: a {@code started} event opens
 * it, the next {@code retrying}, {@code succeeded}, {@code failed}, {@code revoked}, {@code lease_expired} or
 * {@code released} closes it. The execution's row keeps only the last attempt; the timeline keeps them all.
 *
 * @param outcome {@code running} while open, else the closing event: {@code retrying}, {@code succeeded}, ...
 */
@Serdeable(naming = SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Attempt(int number, @Nullable String worker, Instant startedAt, @Nullable Instant finishedAt,
                      String outcome, @Nullable String exceptionType, @Nullable String exceptionMessage) {

    private static final List<String> CLOSING = List.of("retrying", "succeeded", "failed", "revoked",
            "lease_expired", "released");
    /** Texts of rows recorded before the timeline kept its facts (TimelineDetail): "delivery 2 to host-1". */
    private static final Pattern DELIVERY = Pattern.compile("delivery \\d+ to (.+)");
    /** "retry 1 at 2026-...Z after x.Boom: message" and "x.Boom: message". */
    private static final Pattern FAILURE = Pattern.compile("(?:retry \\d+ at \\S+ after )?([^\\s:]+)(?:: (.*))?",
            Pattern.DOTALL);

    static List<Attempt> of(JsonNode timeline) {
        List<Attempt> attempts = new ArrayList<>();
        Attempt open = null;
        for (JsonNode entry : timeline.values()) {
            String event = text(entry, "event");
            Instant at = Instant.parse(text(entry, "at"));
            if ("started".equals(event)) {
                if (open != null) { // A start without a recorded end: the lease lapsed before the next delivery.
                    attempts.add(open.closed(at, "lease_expired", null, null));
                }
                open = new Attempt(attempts.size() + 1, worker(entry), at, null, "running", null, null);
            } else if (open != null && CLOSING.contains(event)) {
                String[] failure = failure(entry, event);
                attempts.add(open.closed(at, event, failure[0], failure[1]));
                open = null;
            }
        }
        if (open != null) {
            attempts.add(open);
        }
        return attempts;
    }

    private Attempt closed(Instant at, String how, String type, String message) {
        return new Attempt(number, worker, startedAt, at, how, type, message);
    }

    private static String worker(JsonNode entry) {
        String worker = text(entry, "worker");
        if (worker != null) {
            return worker;
        }
        Matcher delivery = DELIVERY.matcher(String.valueOf(text(entry, "detail")));
        return delivery.matches() ? delivery.group(1) : null;
    }

    private static String[] failure(JsonNode entry, String event) {
        if (!"retrying".equals(event) && !"failed".equals(event)) {
            return new String[2];
        }
        if (text(entry, "exception_type") != null) {
            return new String[]{text(entry, "exception_type"), text(entry, "exception_message")};
        }
        Matcher failure = FAILURE.matcher(String.valueOf(text(entry, "detail")));
        return failure.matches() ? new String[]{failure.group(1), failure.group(2)} : new String[2];
    }

    private static String text(JsonNode entry, String key) {
        JsonNode value = entry.get(key);
        return value == null || value.isNull() ? null : value.coerceStringValue();
    }
}
