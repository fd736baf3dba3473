package io.chard.worker.function;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.chard.broker.Broker;
import io.chard.broker.BrokerUnavailableException;
import io.chard.broker.LimitDeclarations;
import io.chard.broker.RedisBroker;
import io.chard.config.ChardSettings;
import io.chard.config.LaunchProperties;
import io.chard.random.RestoreSafeRandom;
import io.chard.worker.DrainReport;
import io.chard.worker.Worker;
import io.chard.worker.Workers;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What every Chard Lambda handler shares: one application context per function instance, built in the
 * constructor (Lambda's init phase, which SnapStart snapshots) from the same environment as the containers
 * ({@code REDIS_URI}, {@code CHARD_*}), and kept across warm invocations; each invocation gets a deadline, the
 * time Lambda leaves it minus {@link FunctionConfig#safetyMargin()}, and fails fast while Redis is unreachable.
 * Each handled invocation writes its embedded-metric lines ({@link InvocationMetrics}) to standard output.
 *
 * <p>A stream handler: Lambda's runtime client hands over the event's JSON as it came, which the handler reads into
 * its event type with the context's own JSON mapper ({@link #event(JsonNode)}), and the answer is written the same
 * way. Left to the runtime client, a typed handler's first event went through its own Jackson with the Joda-Time
 * module, whose set-up (date formats, Joda's time-zone data) took 250 ms of the timer function's cold start.
 *
 * <p>It is also the function's checkpoint/restore hook (org.crac, which SnapStart and CRaC JDKs call; elsewhere
 * registering does nothing): before the snapshot it stops its worker (deregistered, its blocking connection
 * closed) and closes the broker's connection, since a snapshot must hold no socket; after each restore it reseeds
 * the random numbers ids are drawn from, starts a new worker (a new id: every restored copy is a worker of its
 * own) and reconnects to Redis.
 */
public abstract class FunctionHandler<I, O> implements RequestStreamHandler, Resource, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FunctionHandler.class);
    protected final ApplicationContext context;
    protected final FunctionConfig config;
    protected final Clock clock;
    private final JsonMapper json;
    private volatile Worker worker;
    private volatile boolean limitsDeclared;

    protected FunctionHandler(ApplicationContext context) {
        this.context = context;
        this.config = context.getBean(FunctionConfig.class);
        this.clock = context.getBean(Clock.class);
        this.json = context.getBean(JsonMapper.class);
        this.worker = context.getBean(Worker.class);
        // The global context holds its resources weakly: Lambda keeps the handler, and with it this hook.
        Core.getGlobalContext().register(this);
    }

    /** The worker this copy of the function drains with (replaced after each restore). */
    protected Worker worker() {
        return worker;
    }

    /** The worker functions' properties: the broker from the environment; the long-lived loop stays off. */
    public static Map<String, Object> workerProperties(Map<String, String> env) {
        Map<String, Object> properties = LaunchProperties.broker(env);
        properties.put(ChardSettings.WORKER_ENABLED, false);
        return properties;
    }

    protected static ApplicationContext start(Map<String, Object> properties) {
        return ApplicationContext.builder().properties(properties).deduceEnvironment(false).start();
    }

    /** What Lambda calls: the event's JSON in, the answer's JSON out. */
    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context lambda) throws IOException {
        JsonNode event;
        try {
            event = json.readValue(input.readAllBytes(), JsonNode.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("the event is not JSON (this handler takes " + eventType() + "): "
                    + e.getMessage(), e);
        }
        if (event == null || !event.isObject()) {
            throw new IllegalArgumentException("the event is not a JSON object: this handler takes " + eventType());
        }
        output.write(json.writeValueAsBytes(answer(handleRequest(event(event), lambda))));
    }

    /** Handles one event (what the stream entry calls once the event is read; hosts with a typed event call it too). */
    public final O handleRequest(I event, Context lambda) {
        if (event == null) {
            throw new IllegalArgumentException("no event: this handler takes " + eventType());
        }
        Instant invoked = clock.instant();
        Duration remaining = lambda != null ? Duration.ofMillis(lambda.getRemainingTimeInMillis()) : config.timeout();
        Instant end = invoked.plus(remaining);
        if (remaining.compareTo(config.safetyMargin()) <= 0) {
            // A deadline before the start would lease nothing and answer as if the queue were empty, every time.
            throw new IllegalStateException("the invocation has " + remaining.toMillis() + " ms, no more than the "
                    + "safety margin (CHARD_FUNCTION_SAFETY_MARGIN, " + config.safetyMargin().toMillis() + " ms): raise "
                    + "the function's timeout or lower the margin");
        }
        // Before any partial work: with Redis down the invocation fails as a whole, and its trigger retries it.
        context.getBean(Broker.class).ping();
        if (!limitsDeclared) {
            // Once per copy of the function, here rather than at start-up, where Redis may not answer yet: a
            // namespace served by functions alone has its tasks' limits in Redis too (WorkerStarter's job otherwise).
            context.getBean(LimitDeclarations.class).declare();
            limitsDeclared = true;
        }
        long started = System.nanoTime();
        Handled<O> handled = handle(event, end.minus(config.safetyMargin()), end);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        // Not through the logger: its pattern would prefix the JSON, and CloudWatch extracts metrics only from a
        // log event that is JSON as a whole. Under the runtime client each line on standard output is one event.
        new InvocationMetrics(config.metricsNamespace(), functionName(lambda), invoked, handled.report(), took)
                .lines(json).forEach(System.out::println);
        return handled.response();
    }

    /** What an invocation answers Lambda, and what its drain did (for the invocation's metrics). */
    public record Handled<O>(O response, DrainReport report) {
    }

    /**
     * @param deadline when to stop leasing and give back what still runs
     * @param end      when Lambda ends the invocation (for the time-left figure in the log line)
     */
    protected abstract Handled<O> handle(I event, Instant deadline, Instant end);

    /** The function's name as Lambda gives it (the runtime client reads AWS_LAMBDA_FUNCTION_NAME); else the class. */
    private String functionName(Context lambda) {
        return lambda != null && lambda.getFunctionName() != null ? lambda.getFunctionName() : getClass().getSimpleName();
    }

    protected abstract String eventType();

    /** The event as this handler takes it, read from the JSON Lambda sends; refuses what is not one. */
    protected abstract I event(JsonNode json);

    /** The answer as it is written back to Lambda: the response itself, unless its JSON needs another shape. */
    protected Object answer(O response) {
        return response;
    }

    protected Duration left(Instant end) {
        return Duration.between(clock.instant(), end);
    }

    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> checkpoint) {
        worker.stop();
        releaseForSnapshot();
        context.getBean(RedisBroker.class).disconnect();
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> restore) {
        RestoreSafeRandom.shared().reseed();
        worker = context.getBean(Workers.class).newWorker();
        try {
            context.getBean(Broker.class).ping();
        } catch (BrokerUnavailableException e) {
            // The restore itself succeeds: the first invocation fails fast on its own ping, and its trigger retries.
            LOG.warn("Redis did not answer after the restore; the next invocation connects again: {}", e.getMessage());
        }
    }

    /** What else a snapshot must not hold (beat: its PostgreSQL connections); Redis is released by this class. */
    protected void releaseForSnapshot() {
    }

    /** For hosts that own the handler (tests, ./chard invoke); Lambda itself never closes it. */
    @Override
    public void close() {
        worker.stop();
        context.close();
    }
}
