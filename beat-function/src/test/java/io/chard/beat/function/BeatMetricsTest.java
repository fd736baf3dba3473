package io.chard.beat.function;

import io.chard.beat.ScheduleStore;
import io.chard.beat.testing.BeatFixture;
import io.chard.config.ChardSettings;
import io.chard.schedule.MisfirePolicy;
import io.chard.schedule.ScheduleSpec;
import io.chard.testing.Await;
import io.chard.worker.metrics.MetricsServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Beat's Prometheus registry: scraped for real from a long-lived beat on a real PostgreSQL and Redis. */
class BeatMetricsTest {
    final BeatFixture fixture = new BeatFixture();

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void aRunningBeatServesItsFiresBySchedulesAndTheirLatenessOnItsMetricsPort() throws Exception {
        UUID schedule = fixture.bean(ScheduleStore.class).create(BeatFixture.definition("metrics-every-second",
                new ScheduleSpec.Interval(Duration.ofSeconds(1)), MisfirePolicy.FIRE_ONCE, null), "api",
                Instant.EPOCH).id();
        Map<String, Object> properties = new HashMap<>(fixture.properties);
        properties.put(ChardSettings.BEAT_ENABLED, true);
        properties.put(ChardSettings.BEAT_METRICS_PORT, 0);
        properties.remove("flyway.datasources.default.enabled");
        try (ApplicationContext beat = ApplicationContext.run(properties)) {
            Await.until("three fires", Duration.ofSeconds(60), () -> fixture.fires(schedule).size() >= 3);
            String scraped = scrape(beat.getBean(MetricsServer.class).port(), "/metrics");
            int firesAfter = fixture.fires(schedule).size();

            double counted = value(scraped, "chard_beat_fires_total\\{schedule=\"metrics-every-second\",?\\}");
            assertTrue(counted >= 3 && counted <= firesAfter, counted + " counted, " + firesAfter + " fired:\n" + scraped);
            // Every fire of every schedule (the built-in ones too) has its lateness in the one histogram.
            assertTrue(value(scraped, "chard_beat_fire_lateness_seconds_count") >= counted, scraped);
            assertTrue(scraped.contains("chard_beat_fire_lateness_seconds_bucket{le="), "a histogram: " + scraped);
            assertTrue(scrape(beat.getBean(MetricsServer.class).port(), "/health").contains("UP"));
        }
    }

    @Test
    void aFireDispatchedAheadWithItsEtaCountsAsOnTimeAndALateOneByHowLate() {
        BeatMetrics metrics = new BeatMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        metrics.fired("ahead", Duration.ofSeconds(-20));
        metrics.fired("late", Duration.ofMillis(2500));
        String scraped = metrics.scrape();
        assertEquals(2.0, value(scraped, "chard_beat_fire_lateness_seconds_count"), scraped);
        assertEquals(2.5, value(scraped, "chard_beat_fire_lateness_seconds_sum"), scraped);
        assertEquals(2.5, value(scraped, "chard_beat_fire_lateness_seconds_max"), scraped);
        assertEquals(1.0, value(scraped, "chard_beat_fires_total\\{schedule=\"ahead\",?\\}"), scraped);
        assertEquals(1.0, value(scraped, "chard_beat_fires_total\\{schedule=\"late\",?\\}"), scraped);
    }

    private static String scrape(int port, String path) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            return response.body();
        }
    }

    /** The value of the first sample whose name and labels match {@code series} (a regular expression). */
    private static double value(String scraped, String series) {
        Matcher matcher = Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(scraped);
        assertTrue(matcher.find(), series + " not in:\n" + scraped);
        return Double.parseDouble(matcher.group(1));
    }
}
