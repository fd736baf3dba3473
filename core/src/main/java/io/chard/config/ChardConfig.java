package io.chard.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import io.micronaut.core.annotation.Nullable;

import java.time.Duration;
import java.util.List;

/**
 * Engine-wide settings under {@code chard.*}; every key is listed in {@link ChardSettings}.
 *
 * @param namespace          prefix and Redis Cluster hash tag of every key ({@code {chard}:...})
 * @param defaultQueue       queue of tasks that name none
 * @param defaultPriority    0-9, higher first
 * @param maxRetries         retries of a task that declares none
 * @param leaseDuration      how long a worker may go silent before its task is delivered again
 * @param resultTtl          how long a finished execution stays in Redis for fast polling
 * @param idempotencyWindow  how long an idempotency key maps to its first execution
 * @param maxPayloadBytes    largest serialised arguments (and result) accepted
 * @param redisTimeout       how long a Redis command may take before it fails (a dead connection must not
 *                           stall a worker for Lettuce's default minute)
 * @param partitions         hash slots a namespace spreads over (1 = one slot), at most 1024; fixed for a namespace
 *                           by its first process (see docs/architecture.md, "Key layout and partitions")
 * @param redisCluster       seed URIs of a Redis Cluster ({@code CHARD_REDIS_CLUSTER=redis://h1:7001,redis://h2:7002});
 *                           when set it is used instead of {@code redis.uri}
 * @param queueRetention     how long a queue may go without work entering it before the maintenance removes it
 *                           from the registry with its keys (only when it holds nothing)
 */
@ConfigurationProperties(ChardSettings.PREFIX)
public record ChardConfig(
        @Bindable(defaultValue = "chard") String namespace,
        @Bindable(defaultValue = "default") String defaultQueue,
        @Bindable(defaultValue = "5") int defaultPriority,
        @Bindable(defaultValue = "3") int maxRetries,
        @Bindable(defaultValue = "30s") Duration leaseDuration,
        @Bindable(defaultValue = "1d") Duration resultTtl,
        @Bindable(defaultValue = "1h") Duration idempotencyWindow,
        @Bindable(defaultValue = "1048576") int maxPayloadBytes,
        @Bindable(defaultValue = "10s") Duration redisTimeout,
        @Bindable(defaultValue = "1") int partitions,
        @Nullable List<String> redisCluster,
        @Bindable(defaultValue = "7d") Duration queueRetention) {

    /**
     * Values no deployment means are refused at start, naming the setting: a lease of 0 s lapsed at once and every
     * task ran again, a result TTL under a second expired a finished execution as it settled, an idempotency window
     * under a second failed every keyed dispatch (Redis refuses {@code EX 0}), and a namespace holding a brace broke
     * every key's hash tag.
     */
    public ChardConfig {
        require(namespace != null && !namespace.isBlank() && namespace.indexOf('{') < 0 && namespace.indexOf('}') < 0,
                "namespace", "a name without braces", namespace);
        require(defaultPriority >= 0 && defaultPriority <= 9, "default-priority", "0-9", defaultPriority);
        require(maxRetries >= 0, "max-retries", "0 or more", maxRetries);
        require(leaseDuration != null && leaseDuration.isPositive(), "lease-duration", "above 0", leaseDuration);
        require(atLeastASecond(resultTtl), "result-ttl", "1s or more", resultTtl);
        require(atLeastASecond(idempotencyWindow), "idempotency-window", "1s or more", idempotencyWindow);
        require(maxPayloadBytes > 0, "max-payload-bytes", "above 0", maxPayloadBytes);
        require(redisTimeout != null && redisTimeout.isPositive(), "redis-timeout", "above 0", redisTimeout);
        require(queueRetention != null && queueRetention.isPositive(), "queue-retention", "above 0", queueRetention);
    }

    private static boolean atLeastASecond(Duration duration) {
        return duration != null && duration.compareTo(Duration.ofSeconds(1)) >= 0;
    }

    private static void require(boolean holds, String setting, String what, Object value) {
        if (!holds) {
            throw new IllegalArgumentException(ChardSettings.PREFIX + "." + setting + " must be " + what + ", got "
                    + value);
        }
    }
}
