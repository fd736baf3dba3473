package io.chard.schedule;

import io.micronaut.core.annotation.Nullable;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * A periodic schedule a module declares in code (through a {@link ScheduleSource} bean). Beat merges the
 * declarations into its table at start-up; the name identifies the schedule across restarts.
 *
 * @param args   positional arguments, converted to JSON
 * @param kwargs named arguments, converted to JSON
 */
public record ScheduleDeclaration(String name, String task, ScheduleSpec spec, ZoneId zone, List<?> args,
                                  Map<String, ?> kwargs, @Nullable String queue, MisfirePolicy misfirePolicy,
                                  Duration catchUp) {

    /** A schedule with no arguments, in UTC, firing once after a miss of up to an hour. */
    public static ScheduleDeclaration of(String name, String task, ScheduleSpec spec) {
        return new ScheduleDeclaration(name, task, spec, ZoneId.of("UTC"), List.of(), Map.of(), null,
                MisfirePolicy.FIRE_ONCE, Duration.ofHours(1));
    }
}
