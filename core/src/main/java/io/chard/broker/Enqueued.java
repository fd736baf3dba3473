package io.chard.broker;

import java.util.UUID;

/**
 * @param created false when an idempotency key matched or a unique lock was held: {@code id} is then the earlier
 *                execution's
 */
public record Enqueued(UUID id, boolean created) {
}
