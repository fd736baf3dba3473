package io.chard.config;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;
import io.micronaut.core.annotation.Nullable;

/**
 * A queue's cluster-wide rate limit and concurrency cap, {@code chard.queue-limits.<queue>.rate-limit} ({@code 100/s},
 * {@code 10/m}, {@code 5/h}) and {@code chard.queue-limits.<queue>.concurrency}. Every process of a namespace
 * must have the same ones (like {@code chard.partitions}): dispatchers pin the queue's executions to a partition by
 * it, and workers write it to Redis at start (see docs/architecture.md, "Flow control").
 */
@EachProperty(ChardSettings.QUEUE_LIMITS)
public record QueueLimitConfig(@Parameter String name, @Nullable String rateLimit, @Nullable Integer concurrency) {
}
