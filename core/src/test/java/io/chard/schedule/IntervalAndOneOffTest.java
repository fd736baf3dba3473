package io.chard.schedule;

import static io.chard.schedule.Times.assertDue;
import static io.chard.schedule.Times.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

// Interval and one-off schedules, and the start / expiry bounds every kind honours.
class IntervalAndOneOffTest {

    private static final ScheduleSpec QUARTER_HOUR = new ScheduleSpec.Interval(Duration.ofMinutes(15));

    private static Schedule quarterHourFrom(String start) {
        return new Schedule(QUARTER_HOUR, ZoneOffset.UTC, at(start), null);
    }

    @Test
    void intervalFiresAtItsStartThenEveryStep() {
        assertDue(quarterHourFrom("2024-01-01T00:07Z").next(at("2023-12-31T00:00Z"), 3),
                "2024-01-01T00:07Z", "2024-01-01T00:22Z", "2024-01-01T00:37Z");
    }

    @Test
    void intervalResumesOnTheGridOfItsStart() {
        assertDue(quarterHourFrom("2024-01-01T00:07Z").next(at("2024-01-01T00:30Z"), 3),
                "2024-01-01T00:37Z", "2024-01-01T00:52Z", "2024-01-01T01:07Z");
    }

    @Test
    void intervalAskedAtADueTimeGivesTheFollowingOne() {
        assertDue(quarterHourFrom("2024-01-01T00:07Z").next(at("2024-01-01T00:37Z"), 1), "2024-01-01T00:52Z");
    }

    @Test
    void intervalWithoutStartIsAnchoredAtTheEpochSoEveryBeatAgrees() {
        Schedule hourly = new Schedule(new ScheduleSpec.Interval(Duration.ofHours(1)), ZoneOffset.UTC);
        assertDue(hourly.next(at("2024-01-01T00:30Z"), 2), "2024-01-01T01:00Z", "2024-01-01T02:00Z");
        // 2024-01-01T00:00Z is 1,704,067,200 s after the epoch, 360 s past a multiple of 420 s
        Schedule sevenMinutes = new Schedule(new ScheduleSpec.Interval(Duration.ofMinutes(7)), ZoneOffset.UTC);
        assertDue(sevenMinutes.next(at("2024-01-01T00:00Z"), 2), "2024-01-01T00:01Z", "2024-01-01T00:08Z");
    }

    @Test
    void intervalBeforeTheEpochStaysOnItsGrid() {
        Schedule hourly = new Schedule(new ScheduleSpec.Interval(Duration.ofHours(1)), ZoneOffset.UTC);
        assertDue(hourly.next(at("1969-12-31T21:30Z"), 2), "1969-12-31T22:00Z", "1969-12-31T23:00Z");
    }

    @Test
    void intervalKeepsAbsoluteTimeAcrossDaylightSaving() {
        Schedule hourly = new Schedule(new ScheduleSpec.Interval(Duration.ofHours(1)),
                ZoneId.of("America/New_York"), at("2024-03-10T00:00-05:00"), null);
        assertDue(hourly.next(at("2024-03-10T00:30-05:00"), 3),
                "2024-03-10T01:00-05:00", "2024-03-10T03:00-04:00", "2024-03-10T04:00-04:00");
    }

    @Test
    void intervalStopsBeforeItsExpiry() {
        Schedule hourly = new Schedule(new ScheduleSpec.Interval(Duration.ofHours(1)), ZoneOffset.UTC,
                at("2024-01-01T00:00Z"), at("2024-01-01T03:00Z"));
        assertDue(hourly.next(at("2024-01-01T00:30Z"), 5), "2024-01-01T01:00Z", "2024-01-01T02:00Z");
    }

    @Test
    void intervalMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new ScheduleSpec.Interval(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new ScheduleSpec.Interval(Duration.ofSeconds(-5)));
    }

    @Test
    void oneOffFiresOnceWhileItIsStillAhead() {
        Schedule once = new Schedule(new ScheduleSpec.OneOff(at("2024-06-01T12:00Z")), ZoneOffset.UTC);
        assertDue(once.next(at("2024-06-01T00:00Z"), 3), "2024-06-01T12:00Z");
        assertEquals(List.of(), once.next(at("2024-06-01T12:00Z"), 3));
        assertEquals(List.of(), once.next(at("2024-06-01T00:00Z"), 0));
    }

    @Test
    void oneOffAtOrAfterItsExpiryNeverFires() {
        Schedule once = new Schedule(new ScheduleSpec.OneOff(at("2024-06-01T12:00Z")), ZoneOffset.UTC,
                null, at("2024-06-01T12:00Z"));
        assertEquals(List.of(), once.next(at("2024-06-01T00:00Z"), 1));
    }

    @Test
    void cronDoesNotFireBeforeItsStartAndFiresOnAStartThatIsADueTime() {
        ScheduleSpec hourly = new ScheduleSpec.Cron("0 * * * *");
        assertDue(new Schedule(hourly, ZoneOffset.UTC, at("2024-05-01T10:30Z"), null).next(at("2024-05-01T00:00Z"), 2),
                "2024-05-01T11:00Z", "2024-05-01T12:00Z");
        assertDue(new Schedule(hourly, ZoneOffset.UTC, at("2024-05-01T10:00Z"), null).next(at("2024-05-01T00:00Z"), 2),
                "2024-05-01T10:00Z", "2024-05-01T11:00Z");
    }

    @Test
    void cronStopsBeforeItsExpiry() {
        Schedule hourly = new Schedule(new ScheduleSpec.Cron("0 * * * *"), ZoneOffset.UTC,
                null, at("2024-05-01T12:00Z"));
        assertDue(hourly.next(at("2024-05-01T10:30Z"), 5), "2024-05-01T11:00Z");
        assertEquals(List.of(), hourly.next(at("2024-05-01T11:00Z"), 5));
    }

    @Test
    void startMustComeBeforeExpiry() {
        assertThrows(IllegalArgumentException.class, () -> new Schedule(QUARTER_HOUR, ZoneOffset.UTC,
                at("2024-05-01T12:00Z"), at("2024-05-01T12:00Z")));
    }
}
