package io.chard.worker.metrics;

import io.chard.broker.Broker;
import io.chard.broker.BrokerConsumer;
import io.chard.broker.ExecutionStatus;
import io.chard.client.DispatchRequest;
import io.chard.client.TaskClient;
import io.chard.config.ChardSettings;
import io.chard.testing.Await;
import io.chard.testing.TcpProxy;
import io.chard.testing.TestRedis;
import io.chard.worker.Worker;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The worker's scrape port, scraped over HTTP while a real worker runs tasks from a real Redis. */
class WorkerMetricsTest {
    static final Duration WAIT = Duration.ofSeconds(15);
    final HttpClient http = HttpClient.newHttpClient();
    ApplicationContext context;
    TaskClient client;
    String base;

    @BeforeEach
    void start() {
        Map<String, Object> properties = new HashMap<>(TestRedis.properties());
        properties.put(ChardSettings.WORKER_ENABLED, true);
        properties.put(ChardSettings.WORKER_CONCURRENCY, 4);
        properties.put(ChardSettings.WORKER_METRICS_PORT, 0);
        context = ApplicationContext.run(properties);
        client = context.getBean(TaskClient.class);
        base = "http://127.0.0.1:" + context.getBean(MetricsServer.class).port();
    }

    @AfterEach
    void stop() {
        context.close();
    }

    @Test
    void countersOfStartsAndOutcomesByTaskMoveAsTheWorkerRuns() throws Exception {
        assertEquals(0.0, value(scrape(), "chard_executions_started_total", "w.add"));
        for (int i = 0; i < 3; i++) {
            finished(client.dispatch("w.add", i, i).id());
        }
        finished(client.dispatch("w.fail", "on purpose").id());
        finished(client.dispatch("w.flaky", 1).id());

        String text = scrape();
        assertEquals(3.0, value(text, "chard_executions_started_total", "w.add"), text);
        assertEquals(3.0, value(text, "chard_executions_ended_total", "w.add", "succeeded"), text);
        assertEquals(1.0, value(text, "chard_executions_ended_total", "w.fail", "failed"), text);
        assertEquals(1.0, value(text, "chard_executions_ended_total", "w.flaky", "retried"), text);
        assertEquals(1.0, value(text, "chard_executions_ended_total", "w.flaky", "succeeded"), text);
        assertEquals(3.0, value(text, "chard_execution_run_seconds_count", "w.add"), text);
        assertTrue(text.contains("chard_execution_run_seconds_bucket{"), "a histogram, for quantiles over workers");
        assertEquals(4.0, value(text, "chard_worker_slots", null), text);
        assertTrue(value(text, "chard_worker_prefetch", null) >= 1.0, "a prefetching worker leases one ahead at least");
    }

    @Test
    void theWaitToStartIsAHistogramByTaskAndQueueCountedFromTheDueTimeNotTheDispatch() {
        Instant before = Instant.now();
        UUID id = client.dispatch(DispatchRequest.of("w.add", client.toJson(List.of(1, 2)))
                .withCountdown(Duration.ofSeconds(1))).id();
        finished(id);
        double sinceDispatch = Duration.between(before, Instant.now()).toMillis() / 1000.0;
        String text = scrape();
        assertEquals(1.0, value(text, "chard_task_wait_seconds_count", "w.add"), text);
        double waited = value(text, "chard_task_wait_seconds_sum", "w.add");
        // It started before it ended: its wait is at most the time since the dispatch less the countdown.
        assertTrue(waited >= 0 && waited <= sinceDispatch - 1.0 + 0.005, waited + " s of " + sinceDispatch + " s");
        assertTrue(text.contains("chard_task_wait_seconds_bucket{"), "a histogram, for quantiles over workers");
    }

    @Test
    void aLapsedLeaseTheWorkerTakesBackIsCountedForItsQueue() {
        Map<String, Object> properties = new HashMap<>(TestRedis.properties());
        properties.put(ChardSettings.WORKER_ENABLED, false);
        try (ApplicationContext idle = ApplicationContext.run(properties)) {
            Broker broker = idle.getBean(Broker.class);
            UUID id = idle.getBean(TaskClient.class).dispatch("w.add", 1, 2).id();
            // A worker that leases it and goes silent: nothing renews or reports its lease.
            try (BrokerConsumer silent = broker.consumer("silent")) {
                assertEquals(1, silent.lease(List.of("default"), 1, Duration.ofMillis(200)).deliveries().size());
            }
            WorkerMetrics metrics = idle.getBean(WorkerMetrics.class);
            assertEquals(0.0, value(metrics.scrape(), "chard_lease_expiries_total", null));
            idle.getBean(Worker.class).start();
            finished(broker, id);
            String text = metrics.scrape();
            assertEquals(1.0, value(text, "chard_lease_expiries_total", null), text);
            assertTrue(text.contains("chard_lease_expiries_total{queue=\"default\""), text);
        }
    }

    @Test
    void busySlotsCountTheTasksRunningNow() throws Exception {
        assertEquals(0.0, value(scrape(), "chard_worker_slots_busy", null));
        UUID id = client.dispatch("w.sleep", 1.5).id();
        Await.until("the sleep is counted busy", WAIT, () -> value(scrape(), "chard_worker_slots_busy", null) == 1.0);
        finished(id);
        assertEquals(0.0, value(scrape(), "chard_worker_slots_busy", null));
    }

    @Test
    void healthAnswersUpWhileRedisAnswers() throws Exception {
        HttpResponse<String> health = get("/health");
        assertEquals(200, health.statusCode());
        assertTrue(health.body().contains("\"UP\""), health.body());
    }

    /**
     * A Redis that stops answering without closing the connection held a probe for the client's 10 s timeout, past
     * the orchestrator's own probe timeout, so a worker read as dead for the wrong reason, or not at all.
     */
    @Test
    void healthAnswersDownWithinSecondsWhileRedisDoesNotAnswer() throws Exception {
        URI redis = URI.create(TestRedis.uri());
        Map<String, Object> properties = new HashMap<>(TestRedis.properties());
        try (TcpProxy proxy = new TcpProxy(redis.getHost(), redis.getPort())) {
            properties.put("redis.uri", "redis://127.0.0.1:" + proxy.port());
            try (ApplicationContext behindProxy = ApplicationContext.run(properties);
                 MetricsServer server = new MetricsServer(0, () -> "", behindProxy.getBean(Broker.class))) {
                HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + "/health")).build();
                assertEquals(200, status(health));
                proxy.freeze();
                long start = System.nanoTime();
                HttpResponse<String> frozen = http.send(health, HttpResponse.BodyHandlers.ofString());
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(millis < 4_000, "/health answered after " + millis + " ms");
                assertEquals(503, frozen.statusCode(), frozen.body());
                assertTrue(frozen.body().contains("did not answer"), frozen.body());
                proxy.restore();
                Await.until("/health is up again once Redis answers", WAIT, () -> status(health) == 200);
            }
        }
    }

    private int status(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(request.uri() + " failed", e);
        }
    }

    private String scrape() {
        try {
            HttpResponse<String> answer = get("/metrics");
            assertEquals(200, answer.statusCode());
            assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            return answer.body();
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("scraping " + base + " failed", e);
        }
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The sample of {@code metric} whose labels include {@code task} and {@code outcome} (when not null); 0 when
     * there is none yet (Prometheus shows a counter once it was first incremented).
     */
    private static double value(String text, String metric, String task, String outcome) {
        for (String line : text.lines().toList()) {
            if (line.startsWith(metric + "{") || line.startsWith(metric + " ")) {
                boolean matches = (task == null || line.contains("task=\"" + task + "\""))
                        && (outcome == null || line.contains("outcome=\"" + outcome + "\""));
                if (matches) {
                    Matcher number = Pattern.compile(" ([0-9.eE+-]+)$").matcher(line);
                    assertTrue(number.find(), line);
                    return Double.parseDouble(number.group(1));
                }
            }
        }
        return 0.0;
    }

    private static double value(String text, String metric, String task) {
        return value(text, metric, task, null);
    }

    private void finished(UUID id) {
        finished(context.getBean(Broker.class), id);
    }

    private static void finished(Broker broker, UUID id) {
        Await.until("execution " + id + " ends", WAIT,
                () -> broker.snapshot(id).map(s -> s.status().ended()).orElse(false));
        ExecutionStatus status = broker.snapshot(id).orElseThrow().status();
        assertTrue(status == ExecutionStatus.SUCCESS || status == ExecutionStatus.FAILED, status.toString());
    }
}
