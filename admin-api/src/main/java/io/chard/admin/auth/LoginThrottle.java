package io.chard.admin.auth;

import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

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
    private final Map<String, Deque<Long>> failures = new ConcurrentHashMap<>();
    private final Clock clock;

    LoginThrottle(Clock clock) {
        this.clock = clock;
    }

    /** How long the caller must wait before trying again; empty when it may try now. */
    Optional<Duration> wait(String username, String address) {
        long now = clock.millis();
        long until = Math.max(blockedUntil(userKey(username), MAX_PER_USER, now),
                blockedUntil("address:" + address, MAX_PER_ADDRESS, now));
        return until > now ? Optional.of(Duration.ofMillis(until - now)) : Optional.empty();
    }

    void failed(String username, String address) {
        long now = clock.millis();
        if (failures.size() > PRUNE_ABOVE) {
            failures.values().removeIf(times -> expire(times, now).isEmpty());
        }
        for (String key : new String[]{userKey(username), "address:" + address}) {
            if (key == null) {
                continue;
            }
            Deque<Long> times = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
            synchronized (times) {
                times.addLast(now);
            }
        }
    }

    void succeeded(String username) {
        String key = userKey(username);
        if (key != null) {
            failures.remove(key);
        }
    }

    /** Names and addresses with failures kept (for tests). */
    int tracked() {
        return failures.size();
    }

    private static String userKey(String username) {
        // Counted in code points, as the column counts characters: an emoji is two chars to Java, one to it.
        return username.length() > 2 * User.MAX_USERNAME
                || username.codePointCount(0, username.length()) > User.MAX_USERNAME ? null : "user:" + username;
    }

    private long blockedUntil(String key, int max, long now) {
        Deque<Long> times = key == null ? null : failures.get(key);
        if (times == null) {
            return 0;
        }
        synchronized (times) {
            expire(times, now);
            return times.size() < max ? 0 : times.peekFirst() + WINDOW.toMillis();
        }
    }

    private static Deque<Long> expire(Deque<Long> times, long now) {
        synchronized (times) {
            while (!times.isEmpty() && times.peekFirst() <= now - WINDOW.toMillis()) {
                times.removeFirst();
            }
            return times;
        }
    }
}
