package io.chard.broker;

import java.util.UUID;

/**
 * One leased execution. The token fences the lease: only the holder of the current token can settle it.
 *
 * @param deliveries how many times a worker has started this execution, this time included
 * @param retries    how many retries it has had
 * @param envelope   the envelope as dispatched (JSON), parsed by the worker so a poison message fails one
 *                   execution instead of the lease call
 * @param waitedMillis how long it had waited when it was leased, ms on the broker's clock, since it became ready
 *                   (dispatched, due after its countdown, eta or retry backoff, released by its workflow's join or a
 *                   rate limit, or its lapsed lease taken back); -1 when the broker does not know. The worker adds
 *                   the time from the lease to the start on its own clock: no skew between the clocks enters it.
 */
public record Delivery(UUID id, String token, int deliveries, int retries, String envelope, long waitedMillis) {
    public LeaseRef lease() {
        return new LeaseRef(id, token);
    }
}
