package io.chard.task;

import io.micronaut.core.annotation.Nullable;

import java.time.Duration;

/**
 * A task's declared uniqueness ({@link Task#unique()}).
 *
 * @param lifetime       how long the lock holds
 * @param ttl            the lock's expiry: the period of FOR_PERIOD, else a cap (zero: none)
 * @param keyParameter   the parameter whose value is the key; null: the whole call
 * @param keyPosition    that parameter's position among the positional arguments (-1 when keyParameter is null)
 */
public record Uniqueness(Unique lifetime, Duration ttl, @Nullable String keyParameter, int keyPosition) {
    public static final Uniqueness NONE = new Uniqueness(Unique.NONE, Duration.ZERO, null, -1);

    public boolean unique() {
        return lifetime != Unique.NONE;
    }
}
