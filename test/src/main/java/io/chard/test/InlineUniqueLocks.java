package io.chard.test;

import io.chard.broker.UniqueLock;
import io.chard.task.Unique;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Test mode's locks of unique tasks, as the Redis broker keeps them (unique.lua): a lock names the execution holding
 * it until its TTL passes on the injected clock, or until that execution reaches the stage its lifetime releases it
 * at ({@link Unique#releasedBy}); a release never drops a lock another execution took since.
 */
final class InlineUniqueLocks {
    /** @param expires null: no TTL */
    private record Held(UUID holder, Instant expires) {
    }

    private final Map<String, Held> locks = new HashMap<>();
    /** The lock each holding execution took, until it is released. */
    private final Map<UUID, UniqueLock> taken = new HashMap<>();

    /** The execution holding {@code lock} at {@code now}, or null. */
    synchronized UUID holder(UniqueLock lock, Instant now) {
        Held held = locks.get(lock.name());
        if (held != null && held.expires() != null && !now.isBefore(held.expires())) {
            locks.remove(lock.name());
            return null;
        }
        return held == null ? null : held.holder();
    }

    synchronized void take(UniqueLock lock, UUID id, Instant now) {
        locks.put(lock.name(), new Held(id, lock.ttl().isZero() ? null : now.plus(lock.ttl())));
        taken.put(id, lock);
    }

    /** The execution {@code id} started or ended: its lock goes if its lifetime says so. */
    synchronized void reached(UUID id, Unique.Stage stage) {
        UniqueLock lock = taken.get(id);
        if (lock == null || !lock.lifetime().releasedBy(stage)) {
            return;
        }
        taken.remove(id);
        Held held = locks.get(lock.name());
        if (held != null && held.holder().equals(id)) {
            locks.remove(lock.name());
        }
    }

    synchronized void clear() {
        locks.clear();
        taken.clear();
    }
}
