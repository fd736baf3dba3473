package io.chard.schedule;

import static io.chard.schedule.Times.assertDue;
import static io.chard.schedule.Times.at;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

// Which due times beat fires at `now` after missing some (last fired 09:00, now 12:00:30, hourly).
class MisfirePolicyTest {

    private static final Schedule HOURLY = new Schedule(new ScheduleSpec.Cron("0 * * * *"), ZoneOffset.UTC);
    private static final Schedule DAILY_AT_THREE = new Schedule(new ScheduleSpec.Cron("0 3 * * *"), ZoneOffset.UTC);
    private static final Duration DAY = Duration.ofDays(1);

    @Test
    void fireOnceFiresOnlyTheLatestMissedDueTime() {
        assertDue(HOURLY.dueNow(at("2024-05-01T09:00Z"), at("2024-05-01T12:00:30Z"), MisfirePolicy.FIRE_ONCE, DAY),
                "2024-05-01T12:00Z");
        assertDue(HOURLY.dueNow(at("2024-05-01T09:00Z"), at("2024-05-01T12:05Z"), MisfirePolicy.FIRE_ONCE, DAY),
                "2024-05-01T12:00Z");
    }

    @Test
    void fireAllFiresEveryMissedDueTimeOldestFirst() {
        assertDue(HOURLY.dueNow(at("2024-05-01T09:00Z"), at("2024-05-01T12:00:30Z"), MisfirePolicy.FIRE_ALL, DAY),
                "2024-05-01T10:00Z", "2024-05-01T11:00Z", "2024-05-01T12:00Z");
    }

    @Test
    void fireAllKeepsOnlyDueTimesInsideTheWindow() {
        assertDue(HOURLY.dueNow(at("2024-05-01T09:00Z"), at("2024-05-01T12:00:30Z"), MisfirePolicy.FIRE_ALL,
                Duration.ofMinutes(90)), "2024-05-01T11:00Z", "2024-05-01T12:00Z");
    }

    @Test
    void skipFiresOnlyWhatIsDueWithinTheGrace() {
        assertDue(HOURLY.dueNow(at("2024-05-01T09:00Z"), at("2024-05-01T12:00:30Z"), MisfirePolicy.SKIP, DAY),
                "2024-05-01T12:00Z");
        assertEquals(List.of(),
                HOURLY.dueNow(at("2024-05-01T09:00Z"), at("2024-05-01T12:05Z"), MisfirePolicy.SKIP, DAY));
    }

    @Test
    void everyDueTimeWithinTheGraceFiresUnderEveryPolicy() {
        Schedule everySecond = new Schedule(new ScheduleSpec.Interval(Duration.ofSeconds(1)), ZoneOffset.UTC);
        for (MisfirePolicy policy : MisfirePolicy.values()) {
            assertDue(everySecond.dueNow(at("2024-05-01T12:00:00Z"), at("2024-05-01T12:00:03Z"), policy, DAY),
                    "2024-05-01T12:00:01Z", "2024-05-01T12:00:02Z", "2024-05-01T12:00:03Z");
        }
    }

    @Test
    void nothingFiresWhenNothingIsDueSinceTheLastFire() {
        for (MisfirePolicy policy : MisfirePolicy.values()) {
            assertEquals(List.of(), HOURLY.dueNow(at("2024-05-01T12:00Z"), at("2024-05-01T12:30Z"), policy, DAY));
        }
    }

    @Test
    void aDueTimeExactlyAtNowFiresUnderEveryPolicy() {
        for (MisfirePolicy policy : MisfirePolicy.values()) {
            assertDue(HOURLY.dueNow(at("2024-05-01T11:00Z"), at("2024-05-01T12:00Z"), policy, DAY), "2024-05-01T12:00Z");
        }
    }

    @Test
    void aScheduleCreatedAfterADueTimeDoesNotFireForIt() {
        assertEquals(List.of(),
                HOURLY.dueNow(at("2024-05-01T10:30Z"), at("2024-05-01T10:30:20Z"), MisfirePolicy.FIRE_ALL, DAY));
    }

    @Test
    void missesOlderThanTheWindowAreDroppedUnderFireOnce() {
        assertEquals(List.of(), DAILY_AT_THREE.dueNow(at("2024-04-28T03:00Z"), at("2024-05-01T12:00Z"),
                MisfirePolicy.FIRE_ONCE, Duration.ofHours(1)));
        assertDue(DAILY_AT_THREE.dueNow(at("2024-04-28T03:00Z"), at("2024-05-01T12:00Z"),
                MisfirePolicy.FIRE_ONCE, Duration.ofDays(2)), "2024-05-01T03:00Z");
    }

    @Test
    void fireAllCatchesUpSeveralDaysWhenTheWindowAllows() {
        assertDue(DAILY_AT_THREE.dueNow(at("2024-04-28T03:00Z"), at("2024-05-01T12:00Z"),
                MisfirePolicy.FIRE_ALL, Duration.ofDays(7)),
                "2024-04-29T03:00Z", "2024-04-30T03:00Z", "2024-05-01T03:00Z");
    }

    @Test
    void aWindowShorterThanTheGraceStillFiresTheOnTimeDueTime() {
        assertDue(HOURLY.dueNow(at("2024-05-01T11:00Z"), at("2024-05-01T12:00:30Z"), MisfirePolicy.FIRE_ONCE,
                Duration.ZERO), "2024-05-01T12:00Z");
    }
}
