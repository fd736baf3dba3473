package io.chard.schedule;

import static io.chard.schedule.Times.assertDue;
import static io.chard.schedule.Times.at;
import static io.chard.schedule.Times.cronNext;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

// A cron schedule follows its zone through DST as Vixie cron does. Wildcard times
// (minute or hour field starting with '*') fire at every real instant whose wall time matches;
// fixed times fire once after a skipped wall time and once, at the first occurrence, for a repeated one.
//   New York 2024: 10 March 02:00 EST -> 03:00 EDT; 3 November 02:00 EDT -> 01:00 EST.
//   Berlin 2024: 31 March 02:00 CET -> 03:00 CEST; 27 October 03:00 CEST -> 02:00 CET.
//   Lord Howe 2024 (half-hour change): 7 April 02:00 +11:00 -> 01:30 +10:30;
//   6 October 02:00 +10:30 -> 02:30 +11:00.
class CronDaylightSavingTest {

    private static final String NEW_YORK = "America/New_York";
    private static final String BERLIN = "Europe/Berlin";
    private static final String LORD_HOWE = "Australia/Lord_Howe";

    @Test
    void fixedTimeSkippedBySpringChangeFiresOnceRightAfterTheGap() {
        assertDue(cronNext("30 2 * * *", NEW_YORK, "2024-03-09T03:00-05:00", 3),
                "2024-03-10T03:00-04:00", "2024-03-11T02:30-04:00", "2024-03-12T02:30-04:00");
    }

    @Test
    void severalFixedTimesInsideTheGapFireOnlyOnceAfterIt() {
        assertDue(cronNext("0,30 2 * * *", NEW_YORK, "2024-03-10T00:00-05:00", 2),
                "2024-03-10T03:00-04:00", "2024-03-11T02:00-04:00");
    }

    @Test
    void fixedTimeInTheGapAndTheFirstTimeAfterItShareOneFiring() {
        assertDue(cronNext("0 2,3 * * *", NEW_YORK, "2024-03-10T00:00-05:00", 3),
                "2024-03-10T03:00-04:00", "2024-03-11T02:00-04:00", "2024-03-11T03:00-04:00");
    }

    @Test
    void wildcardMinuteScheduleHasNoFiringInTheSkippedHour() {
        assertDue(cronNext("*/30 * * * *", NEW_YORK, "2024-03-10T01:00-05:00", 3),
                "2024-03-10T01:30-05:00", "2024-03-10T03:00-04:00", "2024-03-10T03:30-04:00");
    }

    @Test
    void hourlyMacroIsAWildcardAndSkipsTheMissingHour() {
        assertDue(cronNext("@hourly", NEW_YORK, "2024-03-10T00:30-05:00", 3),
                "2024-03-10T01:00-05:00", "2024-03-10T03:00-04:00", "2024-03-10T04:00-04:00");
    }

    @Test
    void wildcardMinuteInASkippedHourDoesNotFireThatDayAtAll() {
        assertDue(cronNext("* 2 * * *", NEW_YORK, "2024-03-09T23:00-05:00", 2),
                "2024-03-11T02:00-04:00", "2024-03-11T02:01-04:00");
    }

    @Test
    void fixedTimeRepeatedByAutumnChangeFiresOnceAtItsFirstOccurrence() {
        assertDue(cronNext("30 1 * * *", NEW_YORK, "2024-11-02T12:00-04:00", 2),
                "2024-11-03T01:30-04:00", "2024-11-04T01:30-05:00");
    }

    @Test
    void fixedTimeDoesNotFireAgainDuringTheSecondOccurrence() {
        assertDue(cronNext("30 1 * * *", NEW_YORK, "2024-11-03T01:30-04:00", 1), "2024-11-04T01:30-05:00");
        assertDue(cronNext("30 1 * * *", NEW_YORK, "2024-11-03T01:10-05:00", 1), "2024-11-04T01:30-05:00");
        assertDue(cronNext("0 1 * * *", NEW_YORK, "2024-11-03T00:59-04:00", 2),
                "2024-11-03T01:00-04:00", "2024-11-04T01:00-05:00");
    }

    @Test
    void wildcardScheduleFiresInBothOccurrencesOfTheRepeatedHour() {
        assertDue(cronNext("*/30 * * * *", NEW_YORK, "2024-11-03T00:45-04:00", 5),
                "2024-11-03T01:00-04:00", "2024-11-03T01:30-04:00",
                "2024-11-03T01:00-05:00", "2024-11-03T01:30-05:00", "2024-11-03T02:00-05:00");
    }

    @Test
    void hourlyMacroFiresTwiceForTheRepeatedHour() {
        assertDue(cronNext("@hourly", NEW_YORK, "2024-11-03T00:30-04:00", 3),
                "2024-11-03T01:00-04:00", "2024-11-03T01:00-05:00", "2024-11-03T02:00-05:00");
    }

    @Test
    void wildcardMinuteInTheRepeatedHourFiresEveryMinuteOfBothOccurrences() {
        List<Instant> due = cronNext("* 1 * * *", NEW_YORK, "2024-11-03T00:00-04:00", 121);
        assertEquals(at("2024-11-03T01:00-04:00"), due.get(0));
        assertEquals(at("2024-11-03T01:59-04:00"), due.get(59));
        assertEquals(at("2024-11-03T01:00-05:00"), due.get(60));
        assertEquals(at("2024-11-03T01:59-05:00"), due.get(119));
        assertEquals(at("2024-11-04T01:00-05:00"), due.get(120));
    }

    @Test
    void askingLateInTheFirstOccurrenceStillFindsTheSecondOne() {
        assertDue(cronNext("*/30 * * * *", NEW_YORK, "2024-11-03T01:40-04:00", 3),
                "2024-11-03T01:00-05:00", "2024-11-03T01:30-05:00", "2024-11-03T02:00-05:00");
    }

    @Test
    void berlinFixedTimeInTheSkippedHourFiresAtThreeSummerTime() {
        assertDue(cronNext("30 2 * * *", BERLIN, "2024-03-30T12:00+01:00", 2),
                "2024-03-31T03:00+02:00", "2024-04-01T02:30+02:00");
    }

    @Test
    void berlinFixedTimeRightAfterTheGapFiresNormally() {
        assertDue(cronNext("0 3 * * *", BERLIN, "2024-03-30T12:00+01:00", 2),
                "2024-03-31T03:00+02:00", "2024-04-01T03:00+02:00");
    }

    @Test
    void berlinMinuteStepInTheSkippedHourDoesNotFire() {
        assertDue(cronNext("*/20 2 * * *", BERLIN, "2024-03-31T00:00+01:00", 1), "2024-04-01T02:00+02:00");
    }

    @Test
    void berlinFixedTimeInTheRepeatedHourFiresOnceInSummerTime() {
        assertDue(cronNext("30 2 * * *", BERLIN, "2024-10-26T12:00+02:00", 2),
                "2024-10-27T02:30+02:00", "2024-10-28T02:30+01:00");
    }

    @Test
    void berlinMinuteStepInTheRepeatedHourFiresAtBothOffsets() {
        assertDue(cronNext("*/20 2 * * *", BERLIN, "2024-10-27T00:00+02:00", 7),
                "2024-10-27T02:00+02:00", "2024-10-27T02:20+02:00", "2024-10-27T02:40+02:00",
                "2024-10-27T02:00+01:00", "2024-10-27T02:20+01:00", "2024-10-27T02:40+01:00",
                "2024-10-28T02:00+01:00");
    }

    @Test
    void lordHoweFixedTimeInTheHalfHourGapFiresAtItsEnd() {
        assertDue(cronNext("15 2 * * *", LORD_HOWE, "2024-10-05T12:00+10:30", 2),
                "2024-10-06T02:30+11:00", "2024-10-07T02:15+11:00");
        assertDue(cronNext("0,15 2 * * *", LORD_HOWE, "2024-10-05T12:00+10:30", 2),
                "2024-10-06T02:30+11:00", "2024-10-07T02:00+11:00");
    }

    @Test
    void lordHoweFixedTimeAfterTheHalfHourGapFiresNormally() {
        assertDue(cronNext("45 2 * * *", LORD_HOWE, "2024-10-05T12:00+10:30", 1), "2024-10-06T02:45+11:00");
    }

    @Test
    void lordHoweMinuteStepSkipsOnlyTheMissingHalfHour() {
        assertDue(cronNext("*/15 2 * * *", LORD_HOWE, "2024-10-06T00:00+10:30", 3),
                "2024-10-06T02:30+11:00", "2024-10-06T02:45+11:00", "2024-10-07T02:00+11:00");
    }

    @Test
    void lordHoweFixedTimeInTheRepeatedHalfHourFiresOnceAtTheEarlierOffset() {
        assertDue(cronNext("45 1 * * *", LORD_HOWE, "2024-04-06T12:00+11:00", 2),
                "2024-04-07T01:45+11:00", "2024-04-08T01:45+10:30");
        assertDue(cronNext("15 1 * * *", LORD_HOWE, "2024-04-06T12:00+11:00", 2),
                "2024-04-07T01:15+11:00", "2024-04-08T01:15+10:30");
    }

    @Test
    void lordHoweMinuteStepRepeatsOnlyTheRepeatedHalfHour() {
        assertDue(cronNext("*/15 1 * * *", LORD_HOWE, "2024-04-07T00:00+11:00", 7),
                "2024-04-07T01:00+11:00", "2024-04-07T01:15+11:00", "2024-04-07T01:30+11:00",
                "2024-04-07T01:45+11:00", "2024-04-07T01:30+10:30", "2024-04-07T01:45+10:30",
                "2024-04-08T01:00+10:30");
    }

    @Test
    void lordHoweAskingInsideTheRepeatedHalfHourFindsBothOccurrences() {
        assertDue(cronNext("*/15 * * * *", LORD_HOWE, "2024-04-07T01:20+11:00", 5),
                "2024-04-07T01:30+11:00", "2024-04-07T01:45+11:00", "2024-04-07T01:30+10:30",
                "2024-04-07T01:45+10:30", "2024-04-07T02:00+10:30");
    }
}
