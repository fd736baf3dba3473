package io.chard.worker.function;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.chard.broker.Broker;
import io.chard.config.ChardSettings;
import io.chard.config.LaunchProperties;
import io.micronaut.context.ApplicationContext;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What every Chard Lambda handler shares: one application context per function instance, built in the
 * constructor (Lambda's init phase, which SnapStart snapshots) from the same environment as the containers
 * ({@code REDIS_URI}, {@code CHARD_*}), and kept across warm invocations; each invocation gets a deadline, the
 * time Lambda leaves it minus {@link FunctionConfig#safetyMargin()}, and fails fast while Redis is unreachable.
 */
public abstract class FunctionHandler<I, O> implements RequestHandler<I, O>, AutoCloseable {
    protected final ApplicationContext context;
    protected final FunctionConfig config;
    protected final Clock clock;

    protected FunctionHandler(ApplicationContext context) {
        this.context = context;
        this.config = context.getBean(FunctionConfig.class);
        this.clock = context.getBean(Clock.class);
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

    @Override
    public final O handleRequest(I event, Context lambda) {
        if (event == null) {
            throw new IllegalArgumentException("no event: this handler takes " + eventType());
        }
        Instant invoked = clock.instant();
        Duration remaining = lambda != null ? Duration.ofMillis(lambda.getRemainingTimeInMillis()) : config.timeout();
        Instant end = invoked.plus(remaining);
        // Before any partial work: with Redis down the invocation fails as a whole, and its trigger retries it.
        context.getBean(Broker.class).ping();
        return handle(event, end.minus(config.safetyMargin()), end);
    }

    /**
     * @param deadline when to stop leasing and give back what still runs
     * @param end      when Lambda ends the invocation (for the time-left figure in the log line)
     */
    protected abstract O handle(I event, Instant deadline, Instant end);

    protected abstract String eventType();

    protected Duration left(Instant end) {
        return Duration.between(clock.instant(), end);
    }

    /** For hosts that own the handler (tests, ./chard invoke); Lambda itself never closes it. */
    @Override
    public void close() {
        context.close();
    }
}
