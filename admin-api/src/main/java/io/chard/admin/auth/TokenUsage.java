package io.chard.admin.auth;

import io.chard.config.ChardSettings;
import io.chard.loop.Loop;
import io.chard.loop.Outage;
import io.micronaut.context.annotation.Requires;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each API token's last use, noted in memory by the request and written to PostgreSQL every 10 s by a loop:
 * a request never waits for (or fails with) that write. Uses noted while PostgreSQL is down are written when
 * it answers again; at most 10 s of them are lost when the process dies.
 */
@Singleton
@Requires(property = ChardSettings.ADMIN_ENABLED, value = "true")
class TokenUsage {
    private static final Logger LOG = LoggerFactory.getLogger(TokenUsage.class);
    static final Duration FLUSH = Duration.ofSeconds(10);
    private final TokenRepository tokens;
    private final Clock clock;
    private final Map<UUID, java.time.Instant> pending = new ConcurrentHashMap<>();
    private final Outage outage = new Outage(LOG, "recording API token use");
    private final Loop loop = new Loop("chard-token-usage", () -> {
        flush();
        return FLUSH;
    });

    TokenUsage(TokenRepository tokens, Clock clock) {
        this.tokens = tokens;
        this.clock = clock;
    }

    @PostConstruct
    void start() {
        loop.start();
    }

    @PreDestroy
    void stop() {
        loop.stop(Duration.ofSeconds(2));
        flush();
    }

    void used(UUID token) {
        pending.put(token, clock.instant());
    }

    /** Writes what was noted; on failure keeps it (unless a newer use replaced it) for the next round. */
    void flush() {
        if (pending.isEmpty()) {
            return;
        }
        Map<UUID, java.time.Instant> batch = new HashMap<>(pending);
        batch.forEach(pending::remove);
        try {
            tokens.recordUse(batch);
            outage.recovered();
        } catch (RuntimeException e) {
            batch.forEach(pending::putIfAbsent);
            outage.failed(e);
        }
    }
}
