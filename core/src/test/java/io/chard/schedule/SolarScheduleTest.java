package io.chard.schedule;

import static io.chard.schedule.Times.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

// Solar schedules. Expected times are almanac values (sun's upper limb with refraction for rise and
// set, centre at -6 degrees for civil twilight) with a two-minute tolerance, as the library computes
// to about a minute.
class SolarScheduleTest {

    private static final double NYC_LAT = 40.7128, NYC_LON = -74.0060;
    private static final Duration TOLERANCE = Duration.ofMinutes(2);

    private static List<Instant> next(SolarEvent event, double lat, double lon, String after, int count) {
        return new Schedule(new ScheduleSpec.Solar(event, lat, lon), ZoneOffset.UTC).next(at(after), count);
    }

    private static void assertNear(String expected, Instant actual) {
        Duration off = Duration.between(at(expected), actual).abs();
        assertTrue(off.compareTo(TOLERANCE) <= 0, "expected about " + expected + " but got " + actual);
    }

    @Test
    void newYorkEventsAroundTheSummerSolsticeMatchTheAlmanac() {
        // 20 June 2024 in New York: civil dawn 4:52, sunrise 5:25, solar noon 12:58, sunset 20:31, civil dusk 21:04 EDT
        String after = "2024-06-20T00:00-04:00";
        assertNear("2024-06-20T04:52-04:00", next(SolarEvent.DAWN_CIVIL, NYC_LAT, NYC_LON, after, 1).getFirst());
        assertNear("2024-06-20T05:25-04:00", next(SolarEvent.SUNRISE, NYC_LAT, NYC_LON, after, 1).getFirst());
        assertNear("2024-06-20T12:58-04:00", next(SolarEvent.SOLAR_NOON, NYC_LAT, NYC_LON, after, 1).getFirst());
        assertNear("2024-06-20T20:31-04:00", next(SolarEvent.SUNSET, NYC_LAT, NYC_LON, after, 1).getFirst());
        assertNear("2024-06-20T21:04-04:00", next(SolarEvent.DUSK_CIVIL, NYC_LAT, NYC_LON, after, 1).getFirst());
    }

    @Test
    void equinoxAtTheEquatorAndPrimeMeridianFollowsTheEquationOfTime() {
        // noon 12:00 UTC minus the equation of time (about +7.5 min on 20 March): 12:07:30; a 12-hour
        // day around it; the upper limb with refraction (0.833 degrees) shows 3.3 min before the centre
        // rises, civil twilight (6 degrees) begins 24 min before it
        String after = "2024-03-20T00:00Z";
        assertNear("2024-03-20T12:07:30Z", next(SolarEvent.SOLAR_NOON, 0, 0, after, 1).getFirst());
        assertNear("2024-03-20T06:04:10Z", next(SolarEvent.SUNRISE, 0, 0, after, 1).getFirst());
        assertNear("2024-03-20T18:10:50Z", next(SolarEvent.SUNSET, 0, 0, after, 1).getFirst());
        assertNear("2024-03-20T05:43:30Z", next(SolarEvent.DAWN_CIVIL, 0, 0, after, 1).getFirst());
        assertNear("2024-03-20T18:31:30Z", next(SolarEvent.DUSK_CIVIL, 0, 0, after, 1).getFirst());
    }

    @Test
    void consecutiveSunsetsComeAboutADayApartInOrder() {
        List<Instant> sunsets = next(SolarEvent.SUNSET, NYC_LAT, NYC_LON, "2024-06-20T00:00-04:00", 3);
        assertEquals(3, sunsets.size());
        assertNear("2024-06-20T20:31-04:00", sunsets.get(0));
        assertNear("2024-06-21T20:31-04:00", sunsets.get(1));
        assertNear("2024-06-22T20:31-04:00", sunsets.get(2));
    }

    @Test
    void solarTimesDoNotDependOnWhenTheyAreAskedFor() {
        Instant first = next(SolarEvent.SUNRISE, NYC_LAT, NYC_LON, "2024-06-19T12:00Z", 1).getFirst();
        for (String after : List.of("2024-06-19T12:17:23Z", "2024-06-19T23:59Z", "2024-06-20T09:00Z")) {
            assertEquals(first, next(SolarEvent.SUNRISE, NYC_LAT, NYC_LON, after, 1).getFirst(), after);
        }
        assertEquals(first, first.truncatedTo(ChronoUnit.SECONDS));
    }

    @Test
    void solarTimesIgnoreTheScheduleZone() {
        ScheduleSpec sunrise = new ScheduleSpec.Solar(SolarEvent.SUNRISE, NYC_LAT, NYC_LON);
        assertEquals(new Schedule(sunrise, ZoneOffset.UTC).next(at("2024-06-20T00:00Z"), 2),
                new Schedule(sunrise, ZoneId.of("Asia/Tokyo")).next(at("2024-06-20T00:00Z"), 2));
    }

    @Test
    void sunriseDuringPolarNightIsTheFirstOneAfterIt() {
        // Tromsø: no sunrise from late November until the sun returns around 15 January
        Instant sunrise = next(SolarEvent.SUNRISE, 69.6492, 18.9553, "2024-12-01T00:00Z", 1).getFirst();
        assertTrue(sunrise.isAfter(at("2025-01-14T00:00Z")) && sunrise.isBefore(at("2025-01-17T00:00Z")),
                "sunrise " + sunrise);
    }

    @Test
    void solarNoonStillHappensEveryDayOfThePolarNight() {
        // longitude 18.9553 E: mean noon 10:44 UTC, minus the equation of time (about +11 min early December)
        List<Instant> noons = next(SolarEvent.SOLAR_NOON, 69.6492, 18.9553, "2024-12-01T00:00Z", 2);
        assertNear("2024-12-01T10:33Z", noons.get(0));
        assertNear("2024-12-02T10:33Z", noons.get(1));
    }

    @Test
    void solarScheduleStopsBeforeItsExpiry() {
        ScheduleSpec sunset = new ScheduleSpec.Solar(SolarEvent.SUNSET, NYC_LAT, NYC_LON);
        // the sunset of 20 June in New York is about 00:31 UTC on 21 June
        assertEquals(List.of(), new Schedule(sunset, ZoneOffset.UTC, null, at("2024-06-21T00:00Z"))
                .next(at("2024-06-20T01:00Z"), 3));
        List<Instant> one = new Schedule(sunset, ZoneOffset.UTC, null, at("2024-06-21T01:00Z"))
                .next(at("2024-06-20T01:00Z"), 3);
        assertEquals(1, one.size());
        assertNear("2024-06-21T00:31Z", one.getFirst());
    }

    @Test
    void celeryEventNamesMapOntoTheEnum() {
        assertEquals(SolarEvent.DAWN_CIVIL, SolarEvent.valueOf("dawn_civil".toUpperCase()));
        assertEquals(SolarEvent.SOLAR_NOON, SolarEvent.valueOf("solar_noon".toUpperCase()));
    }

    @Test
    void coordinatesOutsideTheGlobeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ScheduleSpec.Solar(SolarEvent.SUNRISE, 91, 0));
        assertThrows(IllegalArgumentException.class, () -> new ScheduleSpec.Solar(SolarEvent.SUNRISE, 0, -181));
        assertThrows(IllegalArgumentException.class, () -> new ScheduleSpec.Solar(SolarEvent.SUNRISE, Double.NaN, 0));
    }
}
