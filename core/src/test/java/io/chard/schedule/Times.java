package io.chard.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;

// Test shorthand: instants written as ISO strings with their offsets, and the due-time assertion.
final class Times {

    private Times() {
    }

    static Instant at(String isoWithOffset) {
        return OffsetDateTime.parse(isoWithOffset).toInstant();
    }

    static List<Instant> cronNext(String expression, String zone, String after, int count) {
        return new Schedule(new ScheduleSpec.Cron(expression), ZoneId.of(zone)).next(at(after), count);
    }

    static void assertDue(List<Instant> actual, String... expected) {
        assertEquals(Arrays.stream(expected).map(Times::at).toList(), actual);
    }
}
