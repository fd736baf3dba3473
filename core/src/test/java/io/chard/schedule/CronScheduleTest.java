package io.chard.schedule;

import static io.chard.schedule.Times.assertDue;
import static io.chard.schedule.Times.at;
import static io.chard.schedule.Times.cronNext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

// Cron semantics away from DST changes (UTC unless a zone is the point). Weekdays used below:
// 2024-01-01 Monday, 2024-05-01 Wednesday, 2024-07-01 Monday, 2024-09-01 Sunday, 2024-12-01 Sunday,
// 2025-02-03 Monday.
class CronScheduleTest {

    @Test
    void starStepFiresOnEveryQuarterHour() {
        assertDue(cronNext("*/15 * * * *", "UTC", "2024-05-01T10:07:00Z", 4),
                "2024-05-01T10:15Z", "2024-05-01T10:30Z", "2024-05-01T10:45Z", "2024-05-01T11:00Z");
    }

    @Test
    void steppedRangeCountsFromTheStartOfItsRange() {
        assertDue(cronNext("1-30/10 * * * *", "UTC", "2024-05-01T10:25Z", 4),
                "2024-05-01T11:01Z", "2024-05-01T11:11Z", "2024-05-01T11:21Z", "2024-05-01T12:01Z");
    }

    @Test
    void hourStepFiresEverySixHours() {
        assertDue(cronNext("0 */6 * * *", "UTC", "2024-05-01T00:00Z", 4),
                "2024-05-01T06:00Z", "2024-05-01T12:00Z", "2024-05-01T18:00Z", "2024-05-02T00:00Z");
    }

    @Test
    void listsAndRangesCombineInOneField() {
        assertDue(cronNext("0 8-10,17 * * *", "UTC", "2024-05-01T09:30Z", 4),
                "2024-05-01T10:00Z", "2024-05-01T17:00Z", "2024-05-02T08:00Z", "2024-05-02T09:00Z");
    }

    @Test
    void nextIsStrictlyAfterTheGivenInstant() {
        assertDue(cronNext("0 12 * * *", "UTC", "2024-05-01T12:00Z", 1), "2024-05-02T12:00Z");
        assertDue(cronNext("0 12 * * *", "UTC", "2024-05-01T11:59:59.999Z", 1), "2024-05-01T12:00Z");
    }

    @Test
    void monthAndWeekdayNamesAreCaseInsensitive() {
        assertDue(cronNext("0 9 * jan,Jul mon-FRI", "UTC", "2024-06-28T12:00Z", 3),
                "2024-07-01T09:00Z", "2024-07-02T09:00Z", "2024-07-03T09:00Z");
    }

    @Test
    void stepOverAMonthNameRangeTakesEveryOtherMonth() {
        assertDue(cronNext("0 0 1 FEB-JUN/2 *", "UTC", "2024-01-15T00:00Z", 4),
                "2024-02-01T00:00Z", "2024-04-01T00:00Z", "2024-06-01T00:00Z", "2025-02-01T00:00Z");
    }

    @Test
    void restrictedDayOfMonthAndDayOfWeekFireWhenEitherMatches() {
        // the 13th or any Friday; 13 September 2024 is itself a Friday, 13 October a Sunday
        assertDue(cronNext("0 0 13 * 5", "UTC", "2024-09-01T00:00Z", 8),
                "2024-09-06T00:00Z", "2024-09-13T00:00Z", "2024-09-20T00:00Z", "2024-09-27T00:00Z",
                "2024-10-04T00:00Z", "2024-10-11T00:00Z", "2024-10-13T00:00Z", "2024-10-18T00:00Z");
    }

    @Test
    void dayOfMonthStartingWithStarMustMatchTogetherWithTheWeekday() {
        // days 1, 11, 21, 31 that are Fridays: 1 March 2024, then 31 May 2024
        assertDue(cronNext("0 0 */10 * 5", "UTC", "2024-01-01T00:00Z", 2), "2024-03-01T00:00Z", "2024-05-31T00:00Z");
    }

    @Test
    void restrictedWeekdayAloneFiresOnThatWeekdayOnly() {
        assertDue(cronNext("0 0 * * 1", "UTC", "2024-01-01T00:00Z", 2), "2024-01-08T00:00Z", "2024-01-15T00:00Z");
    }

    @Test
    void impossibleDayWithARestrictedWeekdayFiresOnThatWeekday() {
        assertDue(cronNext("0 0 30 2 1", "UTC", "2025-01-01T00:00Z", 2), "2025-02-03T00:00Z", "2025-02-10T00:00Z");
    }

    @Test
    void sundayIsBothZeroAndSeven() {
        for (String sunday : List.of("0", "7", "SUN", "sun")) {
            assertDue(cronNext("0 12 * * " + sunday, "UTC", "2024-12-01T12:00Z", 2),
                    "2024-12-08T12:00Z", "2024-12-15T12:00Z");
        }
    }

    @Test
    void weekdayRangeEndingAtSevenIncludesSunday() {
        assertDue(cronNext("0 12 * * 5-7", "UTC", "2024-12-01T12:00Z", 4),
                "2024-12-06T12:00Z", "2024-12-07T12:00Z", "2024-12-08T12:00Z", "2024-12-13T12:00Z");
    }

    @Test
    void leapDayFiresOnlyOnTheTwentyNinthOfFebruaryOfLeapYears() {
        assertDue(cronNext("0 0 29 2 *", "UTC", "2024-03-01T00:00Z", 2), "2028-02-29T00:00Z", "2032-02-29T00:00Z");
    }

    @Test
    void leapDayScheduleSkipsTheCenturyYear2100() {
        assertDue(cronNext("0 0 29 2 *", "UTC", "2096-03-01T00:00Z", 1), "2104-02-29T00:00Z");
    }

    @Test
    void yearlyAndAnnuallyFireAtNewYear() {
        assertDue(cronNext("@yearly", "UTC", "2024-05-01T00:00Z", 2), "2025-01-01T00:00Z", "2026-01-01T00:00Z");
        assertDue(cronNext("@annually", "UTC", "2024-05-01T00:00Z", 1), "2025-01-01T00:00Z");
    }

    @Test
    void monthlyWeeklyDailyMidnightAndHourlyExpandAsVixieCron() {
        assertDue(cronNext("@monthly", "UTC", "2024-05-01T00:00Z", 2), "2024-06-01T00:00Z", "2024-07-01T00:00Z");
        assertDue(cronNext("@weekly", "UTC", "2024-05-01T00:00Z", 2), "2024-05-05T00:00Z", "2024-05-12T00:00Z");
        assertDue(cronNext("@daily", "UTC", "2024-05-01T00:00Z", 2), "2024-05-02T00:00Z", "2024-05-03T00:00Z");
        assertDue(cronNext("@midnight", "UTC", "2024-05-01T00:00Z", 1), "2024-05-02T00:00Z");
        assertDue(cronNext("@hourly", "UTC", "2024-05-01T10:30Z", 2), "2024-05-01T11:00Z", "2024-05-01T12:00Z");
    }

    @Test
    void wallTimesAreReadInTheSchedulesZone() {
        assertDue(cronNext("0 9 * * *", "Asia/Tokyo", "2024-05-01T12:00Z", 2),
                "2024-05-02T09:00+09:00", "2024-05-03T09:00+09:00");
    }

    @Test
    void everyMinuteFiresOnTheNextWholeMinute() {
        assertDue(cronNext("* * * * *", "UTC", "2024-05-01T10:00:30Z", 3),
                "2024-05-01T10:01Z", "2024-05-01T10:02Z", "2024-05-01T10:03Z");
    }

    @Test
    void yearEndRollsOverIntoTheNextYear() {
        assertDue(cronNext("59 23 31 12 *", "UTC", "2024-12-31T23:59Z", 1), "2025-12-31T23:59Z");
    }

    @Test
    void zeroCountAsksForNothingAndANegativeOneIsRefused() {
        assertEquals(List.of(), cronNext("* * * * *", "UTC", "2024-05-01T00:00Z", 0));
        Schedule schedule = new Schedule(new ScheduleSpec.Cron("* * * * *"), ZoneOffset.UTC);
        assertThrows(IllegalArgumentException.class, () -> schedule.next(at("2024-05-01T00:00Z"), -1));
    }
}
