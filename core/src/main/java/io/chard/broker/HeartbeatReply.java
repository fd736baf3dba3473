package io.chard.broker;

import java.util.Set;
import java.util.UUID;

/**
 * @param cancel executions revoked while running: stop them
 * @param lost   executions whose lease is no longer this worker's: drop them without reporting
 */
public record HeartbeatReply(Set<UUID> cancel, Set<UUID> lost) {
}
