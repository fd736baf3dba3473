package io.chard.task;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cluster-wide rate limit and concurrency cap: at most {@code starts} starts in any {@code window}, at most
 * {@code concurrency} running at once (0 = no such bound). Enforced by the lease script of the partition the
 * limited task or queue is pinned to (limits.lua; docs/architecture.md, "Flow control").
 */
public record FlowLimit(int starts, Duration window, int concurrency) {
    public static final FlowLimit NONE = new FlowLimit(0, Duration.ZERO, 0);
    private static final Pattern RATE = Pattern.compile("(\\d{1,9})\\s*/\\s*(s|sec|second|m|min|minute|h|hour)");

    /**
     * @param rate        {@code N/s}, {@code N/m} or {@code N/h} (also spelt second, minute, hour); blank: none
     * @param concurrency at most this many running at once; -1: none
     * @throws IllegalArgumentException for a malformed rate or a bound of 0, saying which
     */
    public static FlowLimit parse(String rate, int concurrency) {
        if (concurrency == 0 || concurrency < -1) {
            throw new IllegalArgumentException("concurrency must be at least 1 (or -1 for none), got " + concurrency);
        }
        int cap = Math.max(concurrency, 0);
        if (rate == null || rate.isBlank()) {
            return new FlowLimit(0, Duration.ZERO, cap);
        }
        Matcher m = RATE.matcher(rate.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("rate limit '" + rate + "' is not N/s, N/m or N/h (such as 100/s)");
        }
        int starts = Integer.parseInt(m.group(1));
        if (starts == 0) {
            throw new IllegalArgumentException("rate limit '" + rate + "' allows nothing: at least 1 start is needed");
        }
        Duration window = switch (m.group(2).charAt(0)) {
            case 's' -> Duration.ofSeconds(1);
            case 'm' -> Duration.ofMinutes(1);
            default -> Duration.ofHours(1);
        };
        return new FlowLimit(starts, window, cap);
    }

    public boolean limited() {
        return starts > 0 || concurrency > 0;
    }

    /** What limits.lua reads: {@code <starts> <window ms> <cap>}. */
    public String spec() {
        return starts + " " + window.toMillis() + " " + concurrency;
    }

    /** The limit's name in Redis (and what pins its executions to a partition) for a task. */
    public static String ofTask(String task) {
        return "t:" + task;
    }

    /** The limit's name in Redis for a queue. */
    public static String ofQueue(String queue) {
        return "q:" + queue;
    }
}
