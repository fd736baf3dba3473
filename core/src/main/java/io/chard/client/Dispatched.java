package io.chard.client;

import io.chard.broker.Envelope;

/**
 * The answer to a dispatch.
 *
 * @param envelope  what was enqueued (for a duplicate, what this request would have enqueued)
 * @param duplicate an idempotency key matched: {@code id()} is the earlier execution's
 */
public record Dispatched(java.util.UUID id, Envelope envelope, boolean duplicate) {
}
