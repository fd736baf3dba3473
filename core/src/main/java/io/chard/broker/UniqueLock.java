package io.chard.broker;

import io.chard.task.Unique;

import java.time.Duration;

/**
 * The lock a unique task's dispatch takes (see unique.lua): {@code {tag}:idem:<name>}, in the partition the
 * client minted the execution's id for ({@code crc32(name) mod P}), so the check and the enqueue are one script.
 *
 * @param name     {@code u:<task length>:<task>:<key digest>}: the {@code u:} keeps it apart from idempotency keys
 *                 (those start with the task's length)
 * @param lifetime when it is released
 * @param ttl      its expiry (zero: none)
 */
public record UniqueLock(String name, Unique lifetime, Duration ttl) {
}
