package io.chard.admin.schedules;

import io.chard.beat.StoredSchedule;
import io.chard.client.StorableTime;
import io.chard.client.TaskClient;
import io.chard.history.JsonbText;
import io.chard.schedule.InvalidCronException;
import io.chard.schedule.MisfirePolicy;
import io.chard.schedule.ScheduleSpec;
import io.chard.schedule.SolarEvent;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * A schedule's definition (or a preview request) as the API takes it, and its parsing into beat's values; only
 * the fields of its {@code kind} are read. What cannot be used is refused with an {@link InvalidScheduleException}.
 */
@Serdeable(naming = SnakeCaseStrategy.class)
record ScheduleRequest(@Nullable String name, @Nullable String taskName, @Nullable String kind, @Nullable String cron,
                       @Nullable BigDecimal intervalSeconds, @Nullable String solarEvent, @Nullable Double latitude,
                       @Nullable Double longitude, @Nullable String runAt, @Nullable String timezone,
                       @Nullable String startAt, @Nullable String expiresAt, @Nullable Boolean enabled,
                       @Nullable JsonNode args, @Nullable JsonNode kwargs, @Nullable String queue,
                       @Nullable Integer priority, @Nullable String misfirePolicy, @Nullable Integer catchUpSeconds,
                       @Nullable String after, @Nullable Integer count) {

    /** Refuses a task that is not registered or does not take these arguments (the service's rule). */
    interface TaskCheck {
        void check(String taskName, @Nullable JsonNode args, @Nullable JsonNode kwargs);
    }

    /** The definition to store; the task is checked right after its name, before the other fields. */
    StoredSchedule.Definition definition(TaskCheck tasks, JsonMapper json) {
        if (name == null || name.isBlank() || name.length() > 200 || name.indexOf('\0') >= 0) {
            throw invalidField("name must be 1-200 characters, none of them NUL");
        }
        if (queue != null && !TaskClient.validQueueName(queue)) {
            throw invalidField("queue must be 1-100 letters, digits, '_', '-' or '.'");
        }
        if (taskName == null) {
            throw invalidField("task_name is required");
        }
        tasks.check(taskName, args, kwargs);
        MisfirePolicy policy;
        try {
            policy = misfirePolicy == null ? MisfirePolicy.FIRE_ONCE
                    : MisfirePolicy.valueOf(misfirePolicy.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalidField("misfire_policy must be fire_once, skip or fire_all");
        }
        int catchUp = catchUpSeconds == null ? 3600 : catchUpSeconds;
        if (priority != null && (priority < 0 || priority > 9)) {
            throw invalidField("priority must be between 0 and 9");
        }
        Instant start = startAt == null ? null : instant("start_at", startAt);
        Instant expires = expiresAt == null ? null : instant("expires_at", expiresAt);
        if (start != null && expires != null && !start.isBefore(expires)) {
            throw invalidField("start_at must come before expires_at");
        }
        if (cron != null && (kind == null || kind.equals("cron")) && cron.length() > 200) {
            throw invalidField("cron must be at most 200 characters, got " + cron.length());
        }
        String argsText = write(args, json);
        String kwargsText = write(kwargs, json);
        if (refusedByJsonb(argsText) || refusedByJsonb(kwargsText)) {
            throw invalidField("args and kwargs must not contain a NUL character or half of a character (the "
                    + "database cannot store them)");
        }
        return new StoredSchedule.Definition(name, taskName, spec(), zoneId(), start, expires,
                enabled == null || enabled, argsText, kwargsText, queue, priority, policy,
                Duration.ofSeconds(Math.max(0, catchUp)));
    }

    ScheduleSpec spec() {
        String chosen = kind == null ? (cron != null ? "cron" : "") : kind;
        try {
            return switch (chosen) {
                case "cron" -> new ScheduleSpec.Cron(require(cron, "cron"));
                case "interval" -> new ScheduleSpec.Interval(interval());
                case "solar" -> new ScheduleSpec.Solar(SolarEvent.valueOf(require(solarEvent, "solar_event")
                        .toUpperCase(Locale.ROOT)), require(latitude, "latitude"), require(longitude, "longitude"));
                case "one_off" -> new ScheduleSpec.OneOff(instant("run_at", require(runAt, "run_at")));
                default -> throw new InvalidScheduleException("kind must be cron, interval, solar or one_off",
                        null, null);
            };
        } catch (InvalidCronException e) {
            throw new InvalidScheduleException(e.getMessage(), e.field(), e.offset());
        } catch (IllegalArgumentException e) {
            throw new InvalidScheduleException(e.getMessage(), null, null);
        }
    }

    ZoneId zoneId() {
        try {
            return ZoneId.of(timezone == null || timezone.isBlank() ? "UTC" : timezone);
        } catch (DateTimeException e) {
            throw invalidField("unknown time zone '" + timezone + "'");
        }
    }

    /** Where a preview starts: {@code after}, or {@code now} without it. */
    Instant previewAfter(Instant now) {
        return after == null ? now : instant("after", after);
    }

    /** How many fire times a preview lists: 5 unless asked, at most 50. */
    int previewCount() {
        int wanted = count == null ? 5 : count;
        if (wanted < 1 || wanted > 50) {
            throw new InvalidScheduleException("count must be between 1 and 50", null, null);
        }
        return wanted;
    }

    /** Whole seconds only: 1.5 was stored as 1 before, and 1e18 overflowed the due times. */
    private Duration interval() {
        BigDecimal seconds = require(intervalSeconds, "interval_seconds");
        if (seconds.signum() <= 0) {
            // Before any conversion: longValue() keeps the low 64 bits, so -(2^64 - 1) read as 1 second.
            throw invalidField("interval_seconds must be at least 1, got " + seconds.toPlainString());
        }
        if (seconds.stripTrailingZeros().scale() > 0) {
            throw invalidField("interval_seconds must be a whole number of seconds, got " + seconds.toPlainString());
        }
        if (seconds.compareTo(BigDecimal.valueOf(ScheduleSpec.Interval.LONGEST.toSeconds())) > 0) {
            throw invalidField("interval_seconds must be at most " + ScheduleSpec.Interval.LONGEST.toSeconds()
                    + " (100 years)");
        }
        return Duration.ofSeconds(seconds.longValue());
    }

    private static <T> T require(T value, String field) {
        if (value == null) {
            throw new InvalidScheduleException(field + " is required for this kind of schedule", null, null);
        }
        return value;
    }

    private static Instant instant(String field, String value) {
        Instant instant;
        try {
            instant = OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw invalidField(field + " must be an ISO-8601 instant with an offset, got " + value);
        }
        if (!StorableTime.contains(instant)) {
            throw invalidField(field + " must fall " + StorableTime.range() + ", got " + value);
        }
        return instant;
    }

    private static String write(JsonNode node, JsonMapper json) {
        try {
            return node == null || node.isNull() ? null : json.writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean refusedByJsonb(String jsonText) {
        return jsonText != null && !jsonText.equals(JsonbText.clean(jsonText));
    }

    private static InvalidScheduleException invalidField(String message) {
        return new InvalidScheduleException(message, null, null, "invalid_field");
    }
}
