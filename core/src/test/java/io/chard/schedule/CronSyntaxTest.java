package io.chard.schedule;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CronSyntaxTest {

    private static InvalidCronException refused(String expression) {
        return assertThrows(InvalidCronException.class, () -> new ScheduleSpec.Cron(expression));
    }

    private static void assertRefused(String expression, int field, int offset, String reason) {
        InvalidCronException e = refused(expression);
        assertEquals(reason, e.reason());
        assertEquals(field, e.field(), "field");
        assertEquals(offset, e.offset(), "offset");
        assertEquals(expression, e.expression());
    }

    @Test
    void hourOutsideItsRangeNamesTheFieldThePositionAndTheReason() {
        InvalidCronException e = refused("0 24 * * *");
        assertEquals(2, e.field());
        assertEquals(3, e.offset());
        assertEquals("24 is outside 0-23", e.reason());
        assertEquals("field 2 (hour): 24 is outside 0-23 (at character 3 of \"0 24 * * *\")", e.getMessage());
    }

    @Test
    void everyFieldChecksItsOwnRange() {
        assertRefused("60 * * * *", 1, 1, "60 is outside 0-59");
        assertRefused("0 0 0 * *", 3, 5, "0 is outside 1-31");
        assertRefused("0 0 32 * *", 3, 5, "32 is outside 1-31");
        assertRefused("0 0 * 13 *", 4, 7, "13 is outside 1-12");
        assertRefused("0 0 * 0 *", 4, 7, "0 is outside 1-12");
        assertRefused("0 0 * * 8", 5, 9, "8 is outside 0-7");
    }

    @Test
    void offsetPointsAtTheOffendingValueInsideARangeOrList() {
        assertRefused("0 0 * * 1-9", 5, 11, "9 is outside 0-7");
        assertRefused("0 1,5,99 * * *", 2, 7, "99 is outside 0-23");
        assertRefused("  0   25 * * *", 2, 7, "25 is outside 0-23");
    }

    @Test
    void unknownNamesAreRefusedWithWhatTheFieldAccepts() {
        assertRefused("0 0 * * FUN", 5, 9, "'FUN' is not a weekday (0-7 or SUN-SAT)");
        assertRefused("0 0 * JANUARY *", 4, 7, "'JANUARY' is not a month (1-12 or JAN-DEC)");
        assertRefused("MON * * * *", 1, 1, "'MON' is not a number");
        assertRefused("0 0 ? * *", 3, 5, "'?' is not a number");
    }

    @Test
    void stepsMustBePositiveNumbers() {
        assertRefused("*/0 * * * *", 1, 3, "step 0 must be at least 1");
        assertRefused("*/x * * * *", 1, 3, "step 'x' is not a positive number");
        assertRefused("0 */ * * *", 2, 5, "step '' is not a positive number");
    }

    @Test
    void aStepAfterASingleValueIsRefusedWithTheRangeToWrite() {
        assertRefused("5/15 * * * *", 1, 1, "a step needs a range or *: write 5-59/15");
    }

    /** Reversed on purpose (issue 8): Celery's crontab accepts ranges that wrap, and so do we. */
    @Test
    void rangesThatWrapAroundTheFieldsEndAreAcceptedAsCeleryReadsThem() {
        assertEquals(fires("30-59,0-5 * * * *"), fires("30-5 * * * *"));
        assertEquals(fires("0 0 * * 5,6,0"), fires("0 0 * * FRI-SUN"));
        assertEquals(fires("0 22,23,0,1,2 * * *"), fires("0 22-2 * * *"));
        assertEquals(fires("50,55,0,5,10 * * * *"), fires("50-10/5 * * * *"));
        assertEquals(fires("0 0 28-31,1-3 * *"), fires("0 0 28-3 * *"));
        assertEquals(fires("0 0 1 11,12,1,2 *"), fires("0 0 1 NOV-FEB *"));
    }

    private static java.util.List<java.time.Instant> fires(String expression) {
        return CronExpression.parse(expression).next(java.time.ZoneOffset.UTC,
                java.time.Instant.parse("2026-01-01T00:00:00Z"), null, 200);
    }

    @Test
    void emptyListElementsAndMissingNumbersAreRefused() {
        assertRefused("1,,2 * * * *", 1, 3, "empty list element (two commas in a row, or one at an end)");
        assertRefused("0 0 * * 1,", 5, 11, "empty list element (two commas in a row, or one at an end)");
        assertRefused("0 0 * * 1-", 5, 11, "a number is missing");
        assertRefused("-5 * * * *", 1, 1, "a number is missing");
    }

    @Test
    void onlyFiveFieldsAreAccepted() {
        String reason = "expected 5 fields (minute hour day-of-month month day-of-week) but found ";
        assertRefused("0 0 * *", 0, 1, reason + "4");
        assertRefused("0 0 0 * * *", 0, 1, reason + "6");
        assertRefused("   ", 0, 1, reason + "0");
        assertEquals("expected 5 fields (minute hour day-of-month month day-of-week) but found 4 (in \"0 0 * *\")",
                refused("0 0 * *").getMessage());
    }

    @Test
    void unknownMacroIsRefusedListingTheKnownOnes() {
        assertRefused("@fortnightly", 0, 1,
                "unknown macro @fortnightly; known: @yearly @annually @monthly @weekly @daily @midnight @hourly");
    }

    @Test
    void dayThatNeverOccursInTheChosenMonthIsRefusedAsNeverFiring() {
        assertRefused("0 0 30 2 *", 3, 5, "day 30 never occurs in month 2, so the expression can never fire");
        assertRefused("0 0 31 4 *", 3, 5, "day 31 never occurs in month 4, so the expression can never fire");
        assertRefused("0 0 31 APR,JUN,SEP,NOV *", 3, 5,
                "day 31 never occurs in month APR,JUN,SEP,NOV, so the expression can never fire");
        assertRefused("0 0 30-31 feb *", 3, 5,
                "day 30-31 never occurs in month feb, so the expression can never fire");
    }

    @Test
    void dayThatOccursOnlyInSomeMonthsOrYearsIsAccepted() {
        assertDoesNotThrow(() -> new ScheduleSpec.Cron("0 0 29 2 *"));
        assertDoesNotThrow(() -> new ScheduleSpec.Cron("0 0 31 2,3 *"));
        assertDoesNotThrow(() -> new ScheduleSpec.Cron("0 0 31 * *"));
    }

    @Test
    void impossibleDayWithARestrictedWeekdayIsAcceptedBecauseEitherDayFieldMayMatch() {
        assertDoesNotThrow(() -> new ScheduleSpec.Cron("0 0 30 2 1"));
    }

    @Test
    void namesMacrosAndWhitespaceAreAcceptedInAnyCase() {
        assertDoesNotThrow(() -> new ScheduleSpec.Cron("0 9 * jan-Mar mon-FRI"));
        assertDoesNotThrow(() -> new ScheduleSpec.Cron("@Daily"));
        assertDoesNotThrow(() -> new ScheduleSpec.Cron(" \t0  9 * * *\n"));
    }
}
