package io.chard.client;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;

/**
 * The instants every part of Chard can carry: the history stores them in PostgreSQL {@code timestamptz} from
 * their ISO-8601 text, which reads years 0001 to 9999 only ({@code +10000-01-01T00:00:00Z} and
 * {@code -0001-01-01T00:00:00Z} were accepted by dispatch, ran, and then had their history row refused). A time
 * outside is refused when it is given.
 */
public final class StorableTime {
    public static final Instant MIN = Instant.parse("0001-01-01T00:00:00Z");
    public static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999999Z");
    private static final BigDecimal SPAN = BigDecimal.valueOf(MAX.getEpochSecond() - MIN.getEpochSecond() + 1);

    private StorableTime() {
    }

    public static boolean contains(Instant instant) {
        return !instant.isBefore(MIN) && !instant.isAfter(MAX);
    }

    /** {@code now} plus {@code seconds} (to the millisecond), or null when the sum leaves the range. */
    public static Instant plusSeconds(Instant now, BigDecimal seconds) {
        if (seconds.abs().compareTo(SPAN) > 0) {
            return null;
        }
        Instant sum = now.plusMillis(seconds.movePointRight(3).setScale(0, RoundingMode.HALF_UP).longValueExact());
        return contains(sum) ? sum : null;
    }

    public static String range() {
        return "between " + MIN + " and " + MAX;
    }
}
