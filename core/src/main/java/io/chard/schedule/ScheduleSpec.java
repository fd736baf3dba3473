package io.chard.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

// What a periodic task's due times follow: a cron expression, a fixed interval, a sun event or one
// instant. Each kind checks its arguments when it is built, so a spec that exists can be scheduled
// and a bad one is refused when the schedule is defined, not when it falls due.
public sealed interface ScheduleSpec {

    /** The kind's name as stored and shown: cron, interval, solar, one_off. */
    default String kind() {
        return switch (this) {
            case Cron c -> "cron";
            case Interval i -> "interval";
            case Solar s -> "solar";
            case OneOff o -> "one_off";
        };
    }

    // Five-field Vixie cron (or an @-macro), read in the schedule's time zone.
    record Cron(String expression) implements ScheduleSpec {
        public Cron {
            Objects.requireNonNull(expression, "expression");
            CronExpression.parse(expression);
        }
    }

    // Fires at the schedule's start, start + every, start + 2 * every, ... in absolute time: a day of
    // 24 hours stays 24 hours across a daylight-saving change. At most 100 years, so that due times computed
    // from it stay far from Instant's overflow (1e18 seconds overflowed there).
    record Interval(Duration every) implements ScheduleSpec {
        public static final Duration LONGEST = Duration.ofDays(36_525);

        public Interval {
            Objects.requireNonNull(every, "every");
            if (every.isNegative() || every.isZero()) {
                throw new IllegalArgumentException("interval must be positive, got " + every);
            }
            if (every.compareTo(LONGEST) > 0) {
                throw new IllegalArgumentException("interval must be at most " + LONGEST.toSeconds()
                        + " seconds (100 years), got " + every.toSeconds());
            }
        }
    }

    // A sun event at a place on Earth, as Celery's solar schedule (latitude north, longitude east).
    record Solar(SolarEvent event, double latitude, double longitude) implements ScheduleSpec {
        public Solar {
            Objects.requireNonNull(event, "event");
            if (!(latitude >= -90 && latitude <= 90)) {
                throw new IllegalArgumentException("latitude must be within -90..90, got " + latitude);
            }
            if (!(longitude >= -180 && longitude <= 180)) {
                throw new IllegalArgumentException("longitude must be within -180..180, got " + longitude);
            }
        }
    }

    // Fires once, at the given instant.
    record OneOff(Instant at) implements ScheduleSpec {
        public OneOff {
            Objects.requireNonNull(at, "at");
        }
    }
}
