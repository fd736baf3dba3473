package io.chard.history;

import java.time.Instant;

/** How many executions of one kind ({@code key}: a queue) ended well in one minute ({@link TaskMinutes}). */
public record MinuteCount(Instant minute, String key, long count) {
}
