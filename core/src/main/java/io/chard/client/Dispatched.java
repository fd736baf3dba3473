package io.chard.client;

import io.chard.broker.Envelope;

/**
 * The answer to a dispatch.
 *
 * @param envelope  what was enqueued (for a duplicate, what this request would have enqueued)
 * @param duplicate an idempotency key matched, or a unique task's lock was held: {@code id()} is the earlier
 *                  execution's (the lock's holder)
 */
public record Dispatched(java.util.UUID id, Envelope envelope, boolean duplicate) {
}
