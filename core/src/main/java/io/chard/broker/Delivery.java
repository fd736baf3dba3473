package io.chard.broker;

import java.util.UUID;

/**
 * One leased execution. The token fences the lease: only the holder of the current token can settle it.
 *
 * @param deliveries how many times a worker has started this execution, this time included
 * @param retries    how many retries it has had
 * @param envelope   the envelope as dispatched (JSON), parsed by the worker so a poison message fails one
 *                   execution instead of the lease call
 */
public record Delivery(UUID id, String token, int deliveries, int retries, String envelope) {
    public LeaseRef lease() {
        return new LeaseRef(id, token);
    }
}
