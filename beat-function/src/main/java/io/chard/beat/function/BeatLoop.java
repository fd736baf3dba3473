package io.chard.beat.function;

import io.chard.config.ChardSettings;
import io.chard.beat.Beat;
import io.chard.beat.DeclaredSchedules;
import io.chard.broker.BrokerUnavailableException;
import io.chard.database.Jdbc;
import io.chard.loop.Outage;
import io.chard.loop.Loop;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The long-lived beat ({@code ./chard beat}, containers, and the all-in-one mode): merges the declared schedules,
 * then ticks at the start of every second. It survives PostgreSQL or Redis outages (claims wait, nothing is
 * lost: missed due times follow each schedule's misfire policy when the tick works again).
 */
@Singleton
@Requires(property = ChardSettings.BEAT_ENABLED, value = "true")
class BeatLoop {
    private static final Logger LOG = LoggerFactory.getLogger(BeatLoop.class);
    private final Beat beat;
    private final DeclaredSchedules declared;
    private final Clock clock;
    private final Loop loop = new Loop("chard-beat", this::step);
    private final Outage databaseOutage = new Outage(LOG, "beat tick on PostgreSQL");
    private final Outage brokerOutage = new Outage(LOG, "beat dispatch to Redis");
    private boolean merged;

    BeatLoop(Beat beat, DeclaredSchedules declared, Clock clock) {
        this.beat = beat;
        this.declared = declared;
        this.clock = clock;
    }

    @EventListener
    void onStartup(StartupEvent event) {
        loop.start();
    }

    @PreDestroy
    void stop() {
        loop.stop(Duration.ofSeconds(10));
    }

    private Duration step() {
        try {
            if (!merged) {
                declared.merge();
                merged = true;
                LOG.info("beat started");
            }
            beat.tick(clock.instant(), Duration.ZERO);
            databaseOutage.recovered();
            brokerOutage.recovered();
            return untilNextSecond();
        } catch (Jdbc.DatabaseException e) {
            databaseOutage.failed(e);
            return Duration.ofMillis(databaseOutage.backoffMillis());
        } catch (BrokerUnavailableException e) {
            brokerOutage.failed(e);
            return Duration.ofMillis(brokerOutage.backoffMillis());
        }
    }

    private Duration untilNextSecond() {
        Instant now = clock.instant();
        return Duration.ofNanos(1_000_000_000L - now.getNano() + 1_000_000);
    }
}
