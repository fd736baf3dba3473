package io.chard.test;

import io.chard.broker.Envelope;
import io.chard.broker.ExecutionSnapshot;
import io.chard.broker.ExecutionStatus;
import io.chard.client.TaskClient;
import io.chard.config.ChardSettings;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Test mode for users' own tests: an application context whose {@link TaskClient} runs tasks inline (no Redis,
 * no worker), a {@link SettableClock} for countdowns, and assertions on what was dispatched.
 * <pre>{@code
 * try (ChardTest chard = ChardTest.start()) {
 *     chard.client().dispatch("orders.send_receipt", "A-17", "ada@example.com", lines);
 *     chard.assertDispatched("orders.send_receipt", "A-17", "ada@example.com", lines);
 * }
 * }</pre>
 */
public final class ChardTest implements AutoCloseable {
    private final ApplicationContext context;
    private final SettableClock clock;
    private final InlineBroker broker;
    private final JsonMapper json;

    private ChardTest(ApplicationContext context, SettableClock clock) {
        this.context = context;
        this.clock = clock;
        this.broker = context.getBean(InlineBroker.class);
        this.json = context.getBean(JsonMapper.class);
    }

    public static ChardTest start() {
        return start(Map.of());
    }

    /** @param properties more Micronaut properties, e.g. {@code chard.task-eager-propagates=false} */
    public static ChardTest start(Map<String, Object> properties) {
        Map<String, Object> all = new HashMap<>(properties);
        all.put(ChardSettings.TASK_ALWAYS_EAGER, true);
        SettableClock clock = SettableClock.startingNow();
        ApplicationContext context = ApplicationContext.builder().properties(all).singletons(clock)
                .deduceEnvironment(false).start();
        return new ChardTest(context, clock);
    }

    public TaskClient client() {
        return context.getBean(TaskClient.class);
    }

    /** A bean of the application under test (a service that dispatches, a task bean to call directly). */
    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    public SettableClock clock() {
        return clock;
    }

    /**
     * Moves the clock on by {@code duration}, running what falls due on the way at its due time, in the order a worker
     * would (due time, then priority): what those runs dispatch due within the window runs too, so a task that
     * dispatches itself every minute runs sixty times in an hour. Answers how many ran. (It jumped to the end first:
     * each ran with the clock at the end, and what it dispatched fell due after the window.)
     */
    public int advance(Duration duration) {
        Instant end = clock.instant().plus(duration);
        int ran = 0;
        for (Optional<Instant> next = broker.nextDue(end); next.isPresent(); next = broker.nextDue(end)) {
            if (next.get().isAfter(clock.instant())) {
                clock.set(next.get());
            }
            ran += broker.runDue();
        }
        clock.set(end);
        return ran;
    }

    public List<Envelope> dispatched() {
        return broker.dispatched();
    }

    public List<Envelope> dispatched(String task) {
        return broker.dispatched().stream().filter(envelope -> envelope.task().equals(task)).toList();
    }

    /** Fails unless {@code task} was dispatched; with arguments, with exactly these positional arguments. */
    public Envelope assertDispatched(String task, Object... args) {
        JsonNode expected = args.length == 0 ? null : toJson(Arrays.asList(args));
        return dispatched(task).stream()
                .filter(envelope -> expected == null || expected.equals(envelope.args()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("expected a dispatch of " + task
                        + (expected == null ? "" : " with args " + text(expected)) + "; dispatched: " + describe()));
    }

    public void assertNotDispatched(String task) {
        if (!dispatched(task).isEmpty()) {
            throw new AssertionError("expected no dispatch of " + task + "; dispatched: " + describe());
        }
    }

    public void assertDispatchedTimes(String task, int times) {
        int count = dispatched(task).size();
        if (count != times) {
            throw new AssertionError("expected " + times + " dispatches of " + task + ", got " + count
                    + "; dispatched: " + describe());
        }
    }

    public ExecutionSnapshot execution(UUID id) {
        return broker.snapshot(id).orElseThrow(() -> new AssertionError("no execution " + id));
    }

    public ExecutionStatus status(UUID id) {
        return execution(id).status();
    }

    /** The execution's result read as {@code type}; fails unless it succeeded. */
    public <T> T result(UUID id, Class<T> type) {
        ExecutionSnapshot execution = execution(id);
        if (execution.status() != ExecutionStatus.SUCCESS) {
            throw new AssertionError("execution " + id + " is " + execution.status() + ": "
                    + execution.exceptionType() + " " + execution.message());
        }
        try {
            return json.readValue(execution.resultJson(), type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Forgets every dispatch so far. */
    public void clear() {
        broker.clear();
    }

    @Override
    public void close() {
        context.close();
    }

    private JsonNode toJson(Object value) {
        try {
            return json.writeValueToTree(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String text(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String describe() {
        List<Envelope> all = broker.dispatched();
        return all.isEmpty() ? "nothing" : all.stream().map(envelope -> envelope.task() + " " + text(envelope.args()))
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
