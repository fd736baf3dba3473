package io.chard.admin.auth;

import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Limits failed logins: 5 a minute per username and 20 a minute per client address (per admin-api instance).
 * Beyond either, logins are refused with 429 until the oldest failure leaves the minute, even with the right
 * password, so guessing costs an attacker minutes per handful of tries. The price: someone who knows a
 * username can keep its owner out, a minute at a time, while they keep failing. A name no account can have (longer
 * than {@link User#MAX_USERNAME}) counts against the address only: kept, anonymous callers filled the memory with
 * names of up to the 4 MiB a body may hold, 10,000 of them before any was pruned.
 */
@Singleton
final class LoginThrottle {
    static final Duration WINDOW = Duration.ofMinutes(1);
    static final int MAX_PER_USER = 5;
    static final int MAX_PER_ADDRESS = 20;
    /** Beyond this many tracked names and addresses, the expired ones are dropped (memory stays bounded). */
    private static final int PRUNE_ABOVE = 10_000;
    /** Guarded by this: a check and its count are one step (see {@link #attempt}); a login is rare. */
    private final Map<String, Deque<Long>> failures = new HashMap<>();
    private final Clock clock;

    LoginThrottle(Clock clock) {
        this.clock = clock;
    }

    /**
     * Asks to check a password: how long the caller must wait first, or empty when it may check now, in which case
     * the attempt is counted as a failure at once, before the check, and taken back by {@link #succeeded}. Counted
     * only after the check (about 50 ms of BCrypt), a burst of guesses sent at the same moment all passed the limit:
     * 30 of 30 were checked where 5 a minute were allowed.
     */
    synchronized Optional<Duration> attempt(String username, String address) {
        long now = clock.millis();
        if (failures.size() > PRUNE_ABOVE) {
            failures.values().removeIf(times -> expire(times, now).isEmpty());
        }
        String user = userKey(username);
        String from = addressKey(address);
        long until = Math.max(blockedUntil(user, MAX_PER_USER, now), blockedUntil(from, MAX_PER_ADDRESS, now));
        if (until > now) {
            return Optional.of(Duration.ofMillis(until - now));
        }
        for (String key : new String[]{user, from}) {
            if (key != null) {
                failures.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(now);
            }
        }
        return Optional.empty();
    }

    /** The attempt was right: the user's failures are forgotten and the address's count gives this one back. */
    synchronized void succeeded(String username, String address) {
        String user = userKey(username);
        if (user != null) {
            failures.remove(user);
        }
        giveBack(addressKey(address));
    }

    /**
     * The attempt could not be checked (PostgreSQL did not answer): it counts neither way. Kept, five tries during an
     * outage locked the right password out for a minute once PostgreSQL was back, and everyone behind one address.
     */
    synchronized void unchecked(String username, String address) {
        giveBack(userKey(username));
        giveBack(addressKey(address));
    }

    private void giveBack(String key) {
        Deque<Long> times = key == null ? null : failures.get(key);
        if (times != null) {
            times.pollLast();
        }
    }

    /** Names and addresses with failures kept (for tests). */
    synchronized int tracked() {
        return failures.size();
    }

    private static String userKey(String username) {
        // Counted in code points, as the column counts characters: an emoji is two chars to Java, one to it.
        return username.length() > 2 * User.MAX_USERNAME
                || username.codePointCount(0, username.length()) > User.MAX_USERNAME ? null : "user:" + username;
    }

    private static String addressKey(String address) {
        return "address:" + address;
    }

    private long blockedUntil(String key, int max, long now) {
        Deque<Long> times = key == null ? null : failures.get(key);
        if (times == null) {
            return 0;
        }
        expire(times, now);
        return times.size() < max ? 0 : times.peekFirst() + WINDOW.toMillis();
    }

    private static Deque<Long> expire(Deque<Long> times, long now) {
        while (!times.isEmpty() && times.peekFirst() <= now - WINDOW.toMillis()) {
            times.removeFirst();
        }
        return times;
    }
}
