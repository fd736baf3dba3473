package io.chard.admin.health;

import io.chard.loop.BoundedRead;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthResult;
import org.reactivestreams.Publisher;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A health check answered within a second whatever it does: a dependency that hangs (a connection pool waiting its
 * 5 s for PostgreSQL) is reported down at once, by name, instead of holding {@code /health}. One check at a time: a
 * request that comes while one is still running waits on the same one ({@link BoundedRead}).
 */
final class BoundedCheck {
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(1);
    private final HealthResult late;
    private final BoundedRead<HealthResult> check;

    BoundedCheck(String name, String dependency, Supplier<HealthResult> check) {
        this.late = HealthResult.builder(name, HealthStatus.DOWN).details(Map.of("error", dependency
                + " did not answer within " + ANSWER_WITHIN.toMillis() + " ms")).build();
        this.check = new BoundedRead<>(ANSWER_WITHIN, () -> {
            try {
                return check.get();
            } catch (RuntimeException e) {
                return HealthResult.builder(name, HealthStatus.DOWN)
                        .details(Map.of("error", dependency + " is down: " + e.getMessage())).build();
            }
        });
    }

    Publisher<HealthResult> result() {
        return Publishers.fromCompletableFuture(check.within(late));
    }
}
