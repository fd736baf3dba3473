package io.chard.admin.health;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * PostgreSQL's health, answered within a second (Micronaut's own JDBC indicator, switched off in
 * {@code AdminMain}, waits the pool's 5 s connection timeout while PostgreSQL is down).
 */
@Singleton
final class DatabaseHealthIndicator implements HealthIndicator {
    private static final String NAME = "jdbc";
    private final BoundedCheck check;

    DatabaseHealthIndicator(DataSource dataSource) {
        this.check = new BoundedCheck(NAME, "postgresql", () -> {
            try (Connection connection = dataSource.getConnection()) {
                boolean valid = connection.isValid(1);
                return HealthResult.builder(NAME, valid ? HealthStatus.UP : HealthStatus.DOWN)
                        .details(Map.of("database", "postgresql", "valid", valid)).build();
            } catch (SQLException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
    }

    @Override
    public Publisher<HealthResult> getResult() {
        return check.result();
    }
}
