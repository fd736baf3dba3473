package io.chard.admin.metrics;

import io.chard.admin.testing.SharedAdminApi;
import io.chard.admin.testing.ApiClient.Answer;
import io.chard.broker.BrokerConsumer;
import io.chard.broker.LimitDeclarations;
import io.chard.broker.RedisBroker;
import io.chard.broker.RedisKeys;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** admin-api's /metrics, scraped over HTTP: queue gauges that follow Redis, dispatch counters, HTTP timers. */
class AdminMetricsTest extends SharedAdminApi {
    @Test
    void queueDepthOldestAgeAndDispatchCountsMoveWithTheLoadAndLeasingTakesThemBack() throws Exception {
        assertEquals(0.0, sample(scrape(), "chard_queue_depth", "queue=\"metered\""));
        for (int i = 0; i < 5; i++) {
            assertEquals(202, server.operator.post("/api/background_tasks/tasks",
                    "{\"task\":\"test.add\",\"args\":[1,2],\"queue\":\"metered\"}").status());
        }
        assertEquals(202, server.operator.post("/api/background_tasks/tasks/batch", "{\"tasks\":["
                + "{\"task\":\"test.add\",\"args\":[1,2],\"queue\":\"metered-batch\"},".repeat(2)
                + "{\"task\":\"test.add\",\"args\":[1,2],\"queue\":\"metered-batch\"}]}").status());
        Thread.sleep(1100); // the oldest ready execution's age is counted in milliseconds, shown in seconds
        String loaded = scrape();
        assertEquals(5.0, sample(loaded, "chard_queue_depth", "queue=\"metered\""), loaded);
        assertTrue(sample(loaded, "chard_queue_oldest_ready_age_seconds", "queue=\"metered\"") >= 1.0, loaded);
        assertEquals(5.0, sample(loaded, "chard_tasks_dispatched_total", "queue=\"metered\""), loaded);
        assertEquals(3.0, sample(loaded, "chard_tasks_dispatched_total", "queue=\"metered-batch\""), loaded);
        assertEquals(1.0, sample(loaded, "chard_broker_up", null), loaded);
        assertTrue(loaded.contains("\nchard_recorder_lag_events ")
                && loaded.contains("\nchard_recorder_oldest_unacknowledged_age_seconds "), "the recorder's lag");
        assertTrue(loaded.contains("http_server_requests_seconds_count{"), "HTTP latency per route");

        try (BrokerConsumer worker = server.context.getBean(RedisBroker.class).consumer("metrics-worker")) {
            assertEquals(5, worker.lease(List.of("metered"), 10, Duration.ofSeconds(30)).deliveries().size());
        }
        String drained = scrape();
        assertEquals(0.0, sample(drained, "chard_queue_depth", "queue=\"metered\""), drained);
        assertEquals(5.0, sample(drained, "chard_queue_in_flight", "queue=\"metered\""), drained);
        assertEquals(0.0, sample(drained, "chard_queue_oldest_ready_age_seconds", "queue=\"metered\""), drained);
    }

    /**
     * docs/architecture.md, "Metrics": the oldest-ready age "grows only when workers fall behind, whatever the tasks'
     * length", and a hold or a due time is not lateness. An execution dispatched with a 2 s countdown that came due
     * 0.3 s ago has waited 0.3 s for a worker, not the 2.3 s since its dispatch (the worker's own wait-to-start
     * histogram counts it from its due time, the hash's `ready`).
     */
    @Test
    void theOldestReadyAgeOfACountdownsExecutionCountsFromItsDueTimeNotItsDispatch() throws Exception {
        for (int i = 0; i < 2; i++) {
            assertEquals(202, server.operator.post("/api/background_tasks/tasks", "{\"task\":\"test.add\","
                    + "\"args\":[1,2],\"queue\":\"metered-due\",\"countdown\":2}").status());
        }
        Thread.sleep(2300);
        try (BrokerConsumer worker = server.context.getBean(RedisBroker.class).consumer("metrics-worker")) {
            // The lease moves both due executions to ready and takes one: the other waits for a free worker.
            assertEquals(1, worker.lease(List.of("metered-due"), 1, Duration.ofSeconds(30)).deliveries().size());
        }
        String text = scrape();
        assertEquals(1.0, sample(text, "chard_queue_depth", "queue=\"metered-due\""), text);
        double age = sample(text, "chard_queue_oldest_ready_age_seconds", "queue=\"metered-due\"");
        assertTrue(age < 1.0, "ready for about 0.3 s (due 2 s after its dispatch), yet the gauge says " + age + " s");
    }

    /**
     * docs/architecture.md, "Metrics": "While Redis does not answer, chard_broker_up is 0 and the scrape still
     * answers 200 (a 503 would lose every other metric for that interval)". A Redis that stops answering without
     * closing its connection (a partition, a frozen host) is the outage /health already bounds to a second; the
     * scrape waited each command's chard.redis-timeout (10 s), Prometheus' default scrape timeout, so the whole scrape
     * was lost, chard_broker_up with it.
     */
    @Test
    void withRedisNotAnsweringTheScrapeStillAnswersPromptlyWithTheBrokerDown() throws Exception {
        java.net.URI redis = java.net.URI.create(io.chard.testing.TestRedis.uri());
        try (io.chard.testing.TcpProxy proxy = new io.chard.testing.TcpProxy(redis.getHost(), redis.getPort());
             io.chard.admin.testing.AdminApiServer api = new io.chard.admin.testing.AdminApiServer(
                     java.util.Map.of("redis.uri", "redis://127.0.0.1:" + proxy.port()))) {
            assertEquals(1.0, sample(api.anonymous.get("/metrics").body(), "chard_broker_up", null));
            proxy.freeze();
            long start = System.nanoTime();
            Answer frozen = api.anonymous.get("/metrics");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(200, frozen.status(), frozen.body());
            assertEquals(0.0, sample(frozen.body(), "chard_broker_up", null), frozen.body());
            assertTrue(millis < 3_000, "the scrape answered after " + millis + " ms");
        }
    }

    /**
     * An error Redis answers (a key of another type, an ACL refusal) is not an outage the client reports as such; it
     * failed the whole scrape with a 500 once the read was bounded, where the broker's gauges alone are unknown.
     */
    @Test
    void anErrorRedisAnswersToTheGaugesReadStillServesTheScrapeWithTheBrokerDown() {
        RedisKeys keys = server.context.getBean(RedisBroker.class).partitions().keys(0);
        @SuppressWarnings("unchecked")
        RedisCommands<String, String> redis = server.context.getBean(StatefulRedisConnection.class).sync();
        String queue = "metered-wrong-type";
        try {
            redis.sadd(keys.queues(), queue);
            redis.set(keys.queue(queue, "ready"), "not a sorted set");
            Answer scraped = server.anonymous.get("/metrics");
            assertEquals(200, scraped.status(), scraped.body());
            assertEquals(0.0, sample(scraped.body(), "chard_broker_up", null), scraped.body());
        } finally {
            redis.srem(keys.queues(), queue);
            redis.del(keys.queue(queue, "ready"));
        }
        assertEquals(1.0, sample(scrape(), "chard_broker_up", null));
    }

    @Test
    void dispatchesIntoMoreQueuesThanTheSeriesLimitAreCountedUnderOtherQueuesAndNoneIsLost() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        AdminMetrics metrics = new AdminMetrics(registry, null, Clock.systemUTC());
        for (int i = 0; i < AdminMetrics.DISPATCH_SERIES + 50; i++) {
            metrics.dispatched("test.add", "q" + i, 2);
        }
        metrics.dispatched("test.add", "q0", 1);

        assertEquals(AdminMetrics.DISPATCH_SERIES + 1, registry.find("chard.tasks.dispatched").counters().size());
        assertEquals(100.0, registry.get("chard.tasks.dispatched").tag("queue", AdminMetrics.OTHER_QUEUES).counter()
                .count(), "the 50 queues past the limit");
        assertEquals(3.0, registry.get("chard.tasks.dispatched").tag("queue", "q0").counter().count(),
                "a queue counted apart stays apart");
        assertEquals(2.0 * (AdminMetrics.DISPATCH_SERIES + 50) + 1, registry.find("chard.tasks.dispatched").counters()
                .stream().mapToDouble(io.micrometer.core.instrument.Counter::count).sum());
    }

    @Test
    void executionsACapHoldsBackAreCountedHeldInTheGaugeAndTheQueuesListNotAsReady() {
        server.context.getBean(LimitDeclarations.class).declare();
        for (int i = 0; i < 3; i++) {
            assertEquals(202, server.operator.post("/api/background_tasks/tasks",
                    "{\"task\":\"test.capped\",\"queue\":\"metered-held\"}").status());
        }
        try (BrokerConsumer worker = server.context.getBean(RedisBroker.class).consumer("metrics-worker")) {
            assertEquals(2, worker.lease(List.of("metered-held"), 10, Duration.ofSeconds(30)).deliveries().size(),
                    "test.capped runs at most 2 at once");
        }
        String text = scrape();
        assertEquals(1.0, sample(text, "chard_queue_held", "queue=\"metered-held\""), text);
        assertEquals(0.0, sample(text, "chard_queue_depth", "queue=\"metered-held\""), text);
        JsonNode listed = null;
        for (JsonNode queue : server.viewer.get("/api/background_tasks/admin/queues").json().get("queues").values()) {
            if (queue.get("name").getStringValue().equals("metered-held")) {
                listed = queue;
            }
        }
        assertEquals(1, listed.get("held").getLongValue(), String.valueOf(listed));
        assertEquals(2, listed.get("in_flight").getLongValue(), String.valueOf(listed));
    }

    @Test
    void aPausedQueueShowsInItsGauge() {
        assertEquals(200, server.operator.post("/api/background_tasks/admin/queues/default/pause", "").status());
        assertEquals(1.0, sample(scrape(), "chard_queue_paused", "queue=\"default\""));
        assertEquals(200, server.operator.post("/api/background_tasks/admin/queues/default/resume", "").status());
        assertEquals(0.0, sample(scrape(), "chard_queue_paused", "queue=\"default\""));
    }

    /** Prometheus scrapes without credentials. */
    private static String scrape() {
        Answer answer = server.anonymous.get("/metrics");
        assertEquals(200, answer.status(), answer.body());
        return answer.body();
    }

    /** The first sample of {@code metric} whose labels contain {@code label}; 0 when there is none. */
    static double sample(String text, String metric, String label) {
        for (String line : text.lines().toList()) {
            if ((line.startsWith(metric + "{") || line.startsWith(metric + " "))
                    && (label == null || line.contains(label))) {
                Matcher number = Pattern.compile(" ([0-9.eE+-]+)$").matcher(line);
                assertTrue(number.find(), line);
                return Double.parseDouble(number.group(1));
            }
        }
        return 0.0;
    }
}
