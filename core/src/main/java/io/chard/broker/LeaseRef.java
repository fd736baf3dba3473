package io.chard.broker;

import java.util.UUID;

/** An execution together with the fencing token of the lease on it. */
public record LeaseRef(UUID id, String token) {
}
