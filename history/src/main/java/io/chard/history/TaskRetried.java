package io.chard.history;

import java.util.UUID;

/** Published (as a Micronaut application event) when an operator retries an execution as a new one. */
public record TaskRetried(UUID originalId, UUID newId, String taskName) {
}
