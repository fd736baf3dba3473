package io.chard.schedule;

import io.chard.schedule.ScheduleSpec.Solar;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.shredzone.commons.suncalc.SunTimes;
import org.shredzone.commons.suncalc.SunTimes.Twilight;

// Due instants of a solar schedule, computed with commons-suncalc. Its answer shifts by seconds with
// the instant a search starts from, and beat's (schedule, fire time) claim needs one answer per
// event, so every search starts at a fixed point: local mean midnight at the schedule's longitude.
final class SolarTimes {

    private static final long DAY = 86_400;
    // Past a year without the event (a pole's long night or day) it will not happen.
    private static final int MAX_EMPTY_DAYS = 370;

    private SolarTimes() {
    }

    // The first `count` events strictly after `after` and before `end` (null: no end), in order.
    static List<Instant> next(Solar solar, Instant after, Instant end, int count) {
        long midnight = Math.round(-solar.longitude() / 15 * 3600);
        long day = Math.floorDiv(after.getEpochSecond() - midnight, DAY);
        List<Instant> found = new ArrayList<>();
        for (int empty = 0; found.size() < count && empty < MAX_EMPTY_DAYS; day++) {
            Instant dayStart = Instant.ofEpochSecond(day * DAY + midnight);
            if (end != null && !dayStart.isBefore(end)) {
                break;
            }
            List<Instant> events = eventsOn(solar, dayStart, dayStart.plusSeconds(DAY));
            empty = events.isEmpty() ? empty + 1 : 0;
            for (Instant event : events) {
                if (event.isAfter(after) && (end == null || event.isBefore(end)) && found.size() < count) {
                    found.add(event);
                }
            }
        }
        return found;
    }

    // Whole seconds: the history's timestamps hold microseconds, and a claim must compare equal.
    // A rise or set can occur twice in one mean day near the polar circles, hence the loop, which
    // restarts from the previous event and so stays a function of the day alone.
    private static List<Instant> eventsOn(Solar solar, Instant dayStart, Instant dayEnd) {
        List<Instant> events = new ArrayList<>(1);
        Instant from = dayStart;
        while (from.isBefore(dayEnd)) {
            SunTimes times = SunTimes.compute()
                    .at(solar.latitude(), solar.longitude())
                    .utc()
                    .on(from)
                    .limit(Duration.between(from, dayEnd))
                    .twilight(solar.event() == SolarEvent.DAWN_CIVIL || solar.event() == SolarEvent.DUSK_CIVIL
                            ? Twilight.CIVIL : Twilight.VISUAL)
                    .execute();
            ZonedDateTime event = switch (solar.event()) {
                case SUNRISE, DAWN_CIVIL -> times.getRise();
                case SUNSET, DUSK_CIVIL -> times.getSet();
                case SOLAR_NOON -> times.getNoon();
            };
            if (event == null) {
                break;
            }
            Instant instant = event.toInstant().truncatedTo(ChronoUnit.SECONDS);
            events.add(instant);
            if (solar.event() == SolarEvent.SOLAR_NOON) {
                break;
            }
            from = instant.plus(1, ChronoUnit.MINUTES);
        }
        return events;
    }
}
