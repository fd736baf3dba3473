package io.chard.history;

import java.time.Instant;

/** How many executions of one kind ({@code key}: a status, or a queue) finished in one minute. */
public record MinuteCount(Instant minute, String key, long count) {
}
