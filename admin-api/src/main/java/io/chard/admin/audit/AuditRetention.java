package io.chard.admin.audit;

import io.chard.config.ChardSettings;
import io.chard.loop.Loop;
import io.chard.loop.Outage;
import io.chard.settings.Settings;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;

/**
 * Keeps the audit log to {@code audit_retention_days} (a year unless set): every hour, each admin-api instance
 * deletes the older entries (several instances delete the same rows; the second finds none). The log grew without
 * bound, an entry per operator action and per logout. Here rather than in beat's daily purge: the table is
 * admin-api's own (its migration range), and a deployment without beat still keeps it in bounds.
 */
@Context
@Requires(property = ChardSettings.ADMIN_ENABLED, value = "true")
final class AuditRetention {
    private static final Logger LOG = LoggerFactory.getLogger(AuditRetention.class);
    static final Duration EVERY = Duration.ofHours(1);
    private static final int BATCH = 10_000;
    private final AuditLog audit;
    private final Settings settings;
    private final Clock clock;
    private final Outage outage = new Outage(LOG, "purging the audit log");
    private final Loop loop = new Loop("chard-audit-retention", () -> {
        purge();
        return EVERY;
    });

    AuditRetention(AuditLog audit, Settings settings, Clock clock) {
        this.audit = audit;
        this.settings = settings;
        this.clock = clock;
    }

    @PostConstruct
    void start() {
        loop.start();
    }

    @PreDestroy
    void stop() {
        loop.stop(Duration.ofSeconds(2));
    }

    /** Deletes the entries past the retention; answers how many went (0 while PostgreSQL is down, logged). */
    long purge() {
        try {
            long days = settings.number(Settings.Key.AUDIT_RETENTION_DAYS);
            long purged = audit.purgeBefore(clock.instant().minus(Duration.ofDays(days)), BATCH);
            outage.recovered();
            if (purged > 0) {
                LOG.info("purged {} audit entries older than {} days", purged, days);
            }
            return purged;
        } catch (RuntimeException e) {
            outage.failed(e);
            return 0;
        }
    }
}
