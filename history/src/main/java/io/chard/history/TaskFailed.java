package io.chard.history;

import java.util.UUID;

/**
 * Published (as a Micronaut application event) when the history records an execution as failed. Delivered
 * at least once: a recorder that crashes between writing and acknowledging publishes it again.
 */
public record TaskFailed(UUID taskExecutionId, String taskName, String exceptionType) {
}
