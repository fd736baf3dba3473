package io.chard.task;

import io.micronaut.core.annotation.Nullable;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cluster-wide rate limit and concurrency cap: at most {@code starts} starts in any {@code window}, at most
 * {@code concurrency} running at once (0 = no such bound), for each value of the {@code key} argument when there
 * is one (each customer its own limit). Enforced by the lease script of the partition the limited task, queue or
 * key is pinned to (limits.lua; docs/architecture.md, "Flow control").
 */
public record FlowLimit(int starts, Duration window, int concurrency, @Nullable Key key) {
    public static final FlowLimit NONE = new FlowLimit(0, Duration.ZERO, 0, null);
    /** The envelope header carrying a per-key limit's key, computed once at dispatch and read by limits.lua. */
    public static final String KEY_HEADER = "limit-key";

    /**
     * The argument a per-key limit is taken from: its name (as a keyword argument) and its place among the
     * positional ones.
     */
    public record Key(String parameter, int position) {
    }
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
            return new FlowLimit(0, Duration.ZERO, cap, null);
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
        return new FlowLimit(starts, window, cap, null);
    }

    public FlowLimit withKey(Key key) {
        return new FlowLimit(starts, window, concurrency, key);
    }

    public boolean limited() {
        return starts > 0 || concurrency > 0;
    }

    /** What limits.lua reads: {@code <starts> <window ms> <cap> <1 per key, else 0>}. */
    public String spec() {
        return starts + " " + window.toMillis() + " " + concurrency + " " + (key == null ? 0 : 1);
    }

    /** The limit's name in Redis (and what pins its executions to a partition) for a task. */
    public static String ofTask(String task) {
        return "t:" + task;
    }

    /** The name of one key's limit (task names hold no newline; the script finds the task's spec before it). */
    public static String ofKey(String task, String key) {
        return ofTask(task) + "\n" + key;
    }

    /** The limit's name in Redis for a queue. */
    public static String ofQueue(String queue) {
        return "q:" + queue;
    }
}
