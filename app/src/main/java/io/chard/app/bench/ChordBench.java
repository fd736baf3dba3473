package io.chard.app.bench;

import io.chard.broker.Partitions;
import io.chard.broker.RedisBroker;
import io.chard.canvas.Canvas;
import io.chard.canvas.Workflow;
import io.chard.canvas.WorkflowDispatched;
import io.chard.client.TaskClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.micronaut.context.ApplicationContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A chord of N {@code examples.noop} members with a callback, beside a plain group of the same N members in the same
 * run, on one worker process: members per second from dispatch until the last member (and the chord's callback)
 * ended, what the chord costs over the group, and how long after the last member ended the callback started
 * (its task, {@code examples.clock}, returns the worker's clock as it starts; the members' end times are the ones
 * the settle script wrote). N is 10,000, or 2,000 with {@code --quick}.
 *
 * <p>Usage: {@code ./chard bench --chord [--quick]}.
 */
final class ChordBench {
    private final int members;
    private final Map<String, String> env;
    private final String namespace = "bench-chord-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<String[]> rows = new ArrayList<>();
    private TaskClient client;
    private Partitions partitions;
    private RedisCommands<String, String> redis;

    private ChordBench(boolean quick, Map<String, String> env) {
        this.members = quick ? 2_000 : 10_000;
        this.env = env;
    }

    /** Runs the measurement against the servers {@code env} names; answers the rows it printed. */
    static List<String[]> run(boolean quick, Map<String, String> env) throws Exception {
        ChordBench bench = new ChordBench(quick, env);
        bench.run();
        return bench.rows;
    }

    private void run() throws Exception {
        RedisClient rawClient = RedisClient.create(env.get("REDIS_URI"));
        ApplicationContext context = ApplicationContext.run(Benchmark.contextProperties(env, namespace));
        StatefulRedisConnection<String, String> connection = rawClient.connect();
        try {
            client = context.getBean(TaskClient.class);
            partitions = context.getBean(RedisBroker.class).partitions();
            redis = connection.sync();
            Process worker = Benchmark.startWorker(env, namespace);
            try {
                measure();
            } finally {
                worker.destroy();
                worker.waitFor(60, TimeUnit.SECONDS);
            }
        } finally {
            context.close(); // its recorder first: it reads the stream the clean-up deletes
            Benchmark.unlinkNamespace(redis, namespace);
            connection.close();
            rawClient.shutdown();
        }
    }

    /**
     * A warm-up group (both JVMs' JIT, the connections, the scripts), then group and chord twice, alternating, so
     * neither profits from coming later; each figure is the mean of its two runs.
     */
    private void measure() throws Exception {
        timed(Workflow.group(noops(members)));
        double group = 0;
        double chord = 0;
        WorkflowDispatched last = null;
        for (int round = 0; round < 2; round++) {
            group += timed(Workflow.group(noops(members))) / 2;
            long start = System.nanoTime();
            last = client.dispatch(Workflow.chord(Workflow.group(noops(members)),
                    Workflow.task("examples.clock").asImmutable()));
            chord += awaitEnded(last.id(), start) / 2;
        }
        row("group of " + members + " examples.noop, dispatch until the last ended (mean of 2)",
                String.format("%,.0f members/s (%.2f s)", members / group, group));
        row("chord of the same + a callback, dispatch until the callback ended (mean of 2)",
                String.format("%,.0f members/s (%.2f s), %+.1f%% time over the group", members / chord, chord,
                        (chord / group - 1) * 100));
        row("callback start after the last member ended (second chord)",
                String.format("%.1f ms", callbackDelay(last)));
    }

    private static Canvas[] noops(int count) {
        Canvas[] noops = new Canvas[count];
        for (int i = 0; i < count; i++) {
            noops[i] = Workflow.task("examples.noop");
        }
        return noops;
    }

    /** Dispatches {@code canvas} and answers the seconds until its last member ended. */
    private double timed(Canvas canvas) throws Exception {
        long start = System.nanoTime();
        return awaitEnded(client.dispatch(canvas).id(), start);
    }

    /** Polls the workflow hash's count of members not ended (one HGET, however large the workflow). */
    private double awaitEnded(UUID workflow, long startNanos) throws Exception {
        String key = partitions.keys(workflow).prefix() + "wf:" + workflow;
        long deadline = startNanos + Duration.ofMinutes(10).toNanos();
        while (!"0".equals(redis.hget(key, "left"))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("workflow " + workflow + " did not end in 10 minutes");
            }
            Thread.sleep(5);
        }
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** The callback's start (its result, in µs) minus the latest end (ms) the settle script wrote for a member. */
    private double callbackDelay(WorkflowDispatched chord) {
        UUID callback = chord.members().getLast().id();
        long lastEndMillis = 0;
        for (WorkflowDispatched.Member member : chord.members().subList(0, chord.members().size() - 1)) {
            lastEndMillis = Math.max(lastEndMillis, Long.parseLong(redis.hget(partitions.keys(member.id())
                    .task(member.id()), "finished")));
        }
        long startedMicros = Long.parseLong(redis.hget(partitions.keys(callback).task(callback), "result"));
        return (startedMicros - lastEndMillis * 1000) / 1000.0;
    }

    private void row(String measure, String value) {
        rows.add(new String[]{measure, value});
        System.out.printf("  %s: %s%n", measure, value);
    }
}
