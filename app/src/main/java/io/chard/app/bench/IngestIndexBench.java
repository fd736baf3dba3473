package io.chard.app.bench;

import io.chard.app.LocalServers;
import io.chard.broker.BrokerEvent;
import io.chard.broker.EventStream;
import io.chard.broker.ExecutionEvent;
import io.chard.broker.RedisBroker;
import io.chard.client.DispatchRequest;
import io.chard.client.TaskClient;
import io.chard.config.ChardSettings;
import io.chard.database.Jdbc;
import io.chard.history.HistoryRecorder;
import io.chard.history.HistoryUnavailableException;
import io.chard.history.HistoryWriter;
import io.chard.history.TaskFailed;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Measures what the history's search indexes cost the recorder's ingest: the same events are recorded into an
 * emptied history with V101's GIN indexes (containment in args, kwargs and result; full text over the error) and
 * without them, alternating, one warm-up round first, and each round prints executions recorded per second.
 *
 * <p>The events go through the recorder's own path ({@link HistoryRecorder#recordOnce}: fold, then
 * {@link HistoryWriter}), so a change to the writer is measured as it is. The enqueued events are real (dispatches
 * of {@code examples.add} through Redis, half with keyword arguments, read back from the event stream); the
 * started, succeeded and failed ones (every fourth execution fails with a message) are written as a worker writes
 * them, and replayed in three passes (every execution enqueued, then started, then finished), so each row is
 * inserted once and updated twice, as a steady flow writes it in separate batches.
 *
 * <p>Usage: {@code IngestIndexBench [--executions N] [--rounds N]} (defaults 20,000 and 3 of each), servers as
 * {@link Benchmark}'s. It empties the history table between rounds: name a scratch database in CHARD_JDBC_URL,
 * or leave it unset for an embedded one.
 */
public final class IngestIndexBench {
    private static final String TABLE = "background_tasks_task_execution";
    /** V101's indexes for the search by arguments, keyword arguments, result and error text. */
    private static final List<String> SEARCH_INDEXES = List.of(TABLE + "_args", TABLE + "_kwargs",
            TABLE + "_result", TABLE + "_error");
    private static final int FAIL_EVERY = 4;

    private IngestIndexBench() {
    }

    public static void main(String[] args) throws Exception {
        List<String> options = Arrays.asList(args);
        int executions = option(options, "--executions", 20_000);
        int rounds = option(options, "--rounds", 3);
        try (LocalServers servers = LocalServers.start()) {
            String namespace = "ingest-" + UUID.randomUUID().toString().substring(0, 8);
            Map<String, Object> properties = Benchmark.contextProperties(servers.environment(), namespace);
            properties.put(ChardSettings.RECORDER_ENABLED, false);
            RedisClient redis = RedisClient.create(servers.environment().get("REDIS_URI"));
            try (ApplicationContext context = ApplicationContext.run(properties);
                 StatefulRedisConnection<String, String> connection = redis.connect()) {
                try {
                    run(context, executions, rounds);
                } finally {
                    // Nothing runs the dispatched executions: their keys would wait in Redis for good.
                    Benchmark.unlinkNamespace(connection.sync(), namespace);
                }
            } finally {
                redis.shutdown();
            }
        }
        System.exit(0);
    }

    private static int option(List<String> options, String name, int fallback) {
        int at = options.indexOf(name);
        return at < 0 ? fallback : Integer.parseInt(options.get(at + 1));
    }

    private static void run(ApplicationContext context, int executions, int rounds) throws Exception {
        Jdbc jdbc = context.getBean(Jdbc.class);
        JsonMapper json = context.getBean(JsonMapper.class);
        List<BrokerEvent> events = events(context, json, executions);
        Map<String, String> definitions = new LinkedHashMap<>();
        for (String index : SEARCH_INDEXES) {
            // A partitioned table's index reads back as "ON ONLY", which would not build the partitions' indexes.
            definitions.put(index, jdbc.one("SELECT pg_get_indexdef(?::regclass)", row -> row.getString(1), index)
                    .orElseThrow().replace(" ON ONLY ", " ON "));
        }
        Map<Boolean, List<Double>> rates = new LinkedHashMap<>(Map.of(true, new ArrayList<>(), false, new ArrayList<>()));
        System.out.printf("%d executions, %d events a round%n", executions, events.size());
        for (int round = 0; round <= 2 * rounds; round++) {
            boolean indexed = round % 2 == 0;
            jdbc.update("TRUNCATE " + TABLE);
            for (Map.Entry<String, String> index : definitions.entrySet()) {
                jdbc.update(indexed ? index.getValue().replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ")
                        : "DROP INDEX IF EXISTS " + index.getKey());
            }
            jdbc.update("VACUUM ANALYZE " + TABLE);
            double perSecond = record(context, json, events, executions);
            String label = round == 0 ? "warm-up" : indexed ? "with search indexes" : "without search indexes";
            System.out.printf("round %d, %s: %,.0f executions/s%n", round, label, perSecond);
            if (round > 0) {
                rates.get(indexed).add(perSecond);
            }
        }
        System.out.printf("median with search indexes: %,.0f executions/s; without: %,.0f executions/s%n",
                median(rates.get(true)), median(rates.get(false)));
    }

    /** Records every event as the recorder does, batch by batch; answers executions per second. */
    private static double record(ApplicationContext context, JsonMapper json, List<BrokerEvent> events,
                                 int executions) throws HistoryUnavailableException {
        HistoryRecorder recorder = new HistoryRecorder(new Replay(events), context.getBean(HistoryWriter.class), json,
                context.getEventPublisher(TaskFailed.class), Duration.ZERO); // events from memory: no linger
        long start = System.nanoTime();
        while (recorder.recordOnce(Duration.ZERO) > 0) {
            // Each call folds and writes one batch of up to 5,000 events.
        }
        return executions / ((System.nanoTime() - start) / 1e9);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    /** The enqueued events of real dispatches, then each execution's start, then its end. */
    private static List<BrokerEvent> events(ApplicationContext context, JsonMapper json, int executions) {
        TaskClient client = context.getBean(TaskClient.class);
        EventStream stream = context.getBean(RedisBroker.class).eventStream("ingest-bench");
        List<BrokerEvent> enqueued = new ArrayList<>(executions);
        for (int i = 0; i < executions; i++) {
            JsonNode a = JsonNode.createNumberNode(i);
            JsonNode b = JsonNode.createNumberNode(i % 97);
            DispatchRequest request = i % 2 == 0
                    ? DispatchRequest.of("examples.add", JsonNode.createArrayNode(List.of(a, b)))
                    : DispatchRequest.of("examples.add", null).withKwargs(JsonNode.createObjectNode(Map.of("a", a, "b", b)));
            client.dispatch(request);
        }
        while (enqueued.size() < executions) {
            List<BrokerEvent> read = stream.read(5_000, Duration.ofSeconds(1));
            read.stream().filter(event -> event.type().equals(ExecutionEvent.ENQUEUED.value())).forEach(enqueued::add);
            stream.acknowledge(read);
        }
        stream.close();
        List<BrokerEvent> events = new ArrayList<>(enqueued);
        Instant now = Instant.now();
        String millis = Long.toString(now.toEpochMilli());
        for (BrokerEvent event : enqueued) {
            events.add(new BrokerEvent("0-0", ExecutionEvent.STARTED.value(), event.id(), event.seq() + 1, now,
                    Map.of("worker", "bench-worker@host", "deliveries", "1", "retries", "0")));
        }
        for (int i = 0; i < enqueued.size(); i++) {
            BrokerEvent event = enqueued.get(i);
            Map<String, String> data = i % FAIL_EVERY == 0
                    ? Map.of("exc", "ValueError", "message", "order " + i + " has no line items to invoice",
                            "traceback", "Traceback: ValueError: order " + i, "finished", millis)
                    : Map.of("result", Integer.toString(i + i % 97), "finished", millis);
            String type = (i % FAIL_EVERY == 0 ? ExecutionEvent.FAILED : ExecutionEvent.SUCCEEDED).value();
            events.add(new BrokerEvent("0-0", type, event.id(), event.seq() + 2, now, data));
        }
        return events;
    }

    /** The captured events, handed out once in order, as a stream whose entries are already acknowledged. */
    private static final class Replay implements EventStream {
        private final List<BrokerEvent> events;
        private int next;

        Replay(List<BrokerEvent> events) {
            this.events = events;
        }

        @Override
        public List<BrokerEvent> read(int max, Duration block) {
            List<BrokerEvent> batch = events.subList(next, Math.min(events.size(), next + max));
            next += batch.size();
            return batch;
        }

        @Override
        public void acknowledge(List<BrokerEvent> batch) {
        }

        @Override
        public void rewind() {
            // Called when the history refused a batch: recordOnce then throws, which voids the measurement.
        }

        @Override
        public void trim() {
        }

        @Override
        public void close() {
        }
    }
}
