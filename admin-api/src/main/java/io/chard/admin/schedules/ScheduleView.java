package io.chard.admin.schedules;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.chard.beat.StoredSchedule;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

import java.io.IOException;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

/** A schedule as the API answers it: its definition flattened by kind, where it comes from, and how far it got. */
@Serdeable(naming = SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
record ScheduleView(UUID id, String name, String taskName, String kind, @Nullable String cron,
                    @Nullable Long intervalSeconds, @Nullable String solarEvent, @Nullable Double latitude,
                    @Nullable Double longitude, @Nullable Instant runAt, String timezone, @Nullable Instant startAt,
                    @Nullable Instant expiresAt, boolean enabled, @Nullable JsonNode args, @Nullable JsonNode kwargs,
                    @Nullable String queue, @Nullable Integer priority, String misfirePolicy, long catchUpSeconds,
                    String source, @Nullable Instant lastRunAt, long totalRuns, @Nullable Instant nextRunAt) {

    static ScheduleView of(StoredSchedule s, JsonMapper json) {
        StoredSchedule.SpecFields f = StoredSchedule.SpecFields.of(s.spec());
        return new ScheduleView(s.id(), s.name(), s.taskName(), s.spec().kind(), f.cron(), f.intervalSeconds(),
                f.solarEvent(), f.latitude(), f.longitude(), f.runAt(), s.zone().getId(), s.startAt(),
                s.expiresAt(), s.enabled(), parse(s.args(), json), parse(s.kwargs(), json), s.queue(), s.priority(),
                s.misfirePolicy().name().toLowerCase(Locale.ROOT), s.catchUp().toSeconds(), s.source(), s.lastRunAt(),
                s.totalRuns(), s.nextRunAt());
    }

    /** The same schedule showing these arguments instead ({@link io.chard.admin.Redactor}). */
    ScheduleView withArguments(@Nullable JsonNode shownArgs, @Nullable JsonNode shownKwargs) {
        return new ScheduleView(id, name, taskName, kind, cron, intervalSeconds, solarEvent, latitude, longitude, runAt,
                timezone, startAt, expiresAt, enabled, shownArgs, shownKwargs, queue, priority, misfirePolicy,
                catchUpSeconds, source, lastRunAt, totalRuns, nextRunAt);
    }

    /** Stored JSON text as a tree; text that no longer parses is answered as a string rather than failing. */
    private static JsonNode parse(String text, JsonMapper json) {
        try {
            return text == null ? null : json.readValue(text, JsonNode.class);
        } catch (IOException e) {
            return JsonNode.createStringNode(text);
        }
    }
}
