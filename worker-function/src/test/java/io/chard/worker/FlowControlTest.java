package io.chard.worker;

import io.chard.broker.ExecutionSnapshot;
import io.chard.broker.ExecutionStatus;
import io.chard.client.TaskClient;
import io.chard.config.ChardSettings;
import io.chard.testing.Await;
import io.chard.testing.TestRedis;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rate limits and concurrency caps hold across workers: two real workers (each its own context, as two processes
 * would be) on one namespace and one Redis, counted from the start and end times Redis recorded.
 */
class FlowControlTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    final List<ApplicationContext> workers = new ArrayList<>();
    TaskClient client;

    @BeforeEach
    void startTwoWorkers() {
        Map<String, Object> properties = new HashMap<>(TestRedis.properties());
        properties.put(ChardSettings.WORKER_ENABLED, true);
        properties.put(ChardSettings.WORKER_CONCURRENCY, 8);
        for (int i = 0; i < 2; i++) {
            workers.add(ApplicationContext.run(properties));
        }
        client = workers.getFirst().getBean(TaskClient.class);
    }

    @AfterEach
    void stop() {
        workers.forEach(ApplicationContext::close);
    }

    @Test
    void aHundredDispatchesLimitedToTenASecondStartAtMostTenInAnySecondWhileTheirQueueKeepsRunning() {
        List<UUID> rated = IntStream.range(0, 100).mapToObj(i -> client.dispatch("w.rated").id()).toList();
        List<UUID> others = IntStream.range(0, 20).mapToObj(i -> client.dispatch("w.add", i, 1).id()).toList();

        others.forEach(id -> assertEquals(ExecutionStatus.SUCCESS, ended(id).status()));
        long startedYet = rated.stream().filter(id -> snapshot(id).startedAt() != null).count();
        // 100 at 10 a second take 9 s at least: the other task did not wait behind them.
        assertTrue(startedYet < rated.size(), "every other task ended while limited ones waited: " + startedYet);

        List<ExecutionSnapshot> done = rated.stream().map(this::ended).toList();
        done.forEach(s -> assertEquals(ExecutionStatus.SUCCESS, s.status()));
        List<Long> starts = done.stream().map(s -> s.startedAt().toEpochMilli()).sorted().toList();
        Map<Long, Long> perSecond = starts.stream().collect(Collectors.groupingBy(ms -> ms / 1000, TreeMap::new,
                Collectors.counting()));
        assertTrue(perSecond.values().stream().allMatch(n -> n <= 10), "starts per second: " + perSecond);
        for (int i = 0; i + 10 < starts.size(); i++) {
            assertTrue(starts.get(i + 10) - starts.get(i) >= 1000, "11 starts within a second: " + starts);
        }
        assertEquals(2, done.stream().map(ExecutionSnapshot::worker).distinct().count(), "both workers ran some");
    }

    @Test
    void aTaskCappedAtTwoNeverRunsMoreThanTwoAtOnceAcrossTwoWorkers() {
        List<UUID> capped = IntStream.range(0, 30).mapToObj(i -> client.dispatch("w.capped").id()).toList();
        List<ExecutionSnapshot> done = capped.stream().map(this::ended).toList();
        done.forEach(s -> assertEquals(ExecutionStatus.SUCCESS, s.status()));
        assertEquals(2, peak(done), "at most 2 running at once, and 2 reached");
        assertEquals(2, done.stream().map(ExecutionSnapshot::worker).distinct().count(), "both workers ran some");
    }

    /** The most executions running at one instant, from their recorded start and end (an end first on a tie). */
    static int peak(List<ExecutionSnapshot> executions) {
        TreeMap<Instant, Integer> changes = new TreeMap<>();
        for (ExecutionSnapshot s : executions) {
            changes.merge(s.startedAt(), 1, Integer::sum);
            changes.merge(s.finishedAt(), -1, Integer::sum);
        }
        int running = 0;
        int peak = 0;
        for (int change : changes.values()) {
            running += change;
            peak = Math.max(peak, running);
        }
        return peak;
    }

    ExecutionSnapshot snapshot(UUID id) {
        return client.snapshot(id).orElseThrow();
    }

    ExecutionSnapshot ended(UUID id) {
        return Await.value("execution " + id + " ends", WAIT, () -> {
            Optional<ExecutionSnapshot> s = client.snapshot(id);
            return s.filter(found -> found.status().ended()).orElse(null);
        });
    }
}
