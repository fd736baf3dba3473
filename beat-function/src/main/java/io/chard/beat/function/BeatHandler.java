package io.chard.beat.function;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.chard.beat.Beat;
import io.chard.beat.DeclaredSchedules;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.MicronautRequestHandler;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Beat on AWS Lambda, invoked once a minute by an EventBridge schedule: fires everything due until the end of
 * that minute, sub-minute intervals included (each dispatched with its due time as eta, so the broker starts
 * it on time). Overlapping or repeated invocations are harmless: every fire is claimed exactly once.
 * Answers how many fires this invocation claimed.
 */
public class BeatHandler extends MicronautRequestHandler<ScheduledEvent, Integer> {
    @Inject
    Beat beat;
    @Inject
    DeclaredSchedules declared;
    @Inject
    Clock clock;
    private boolean merged;

    /** The constructor Lambda calls: the context is built from the function's environment. */
    public BeatHandler() {
    }

    /** Runs inside an existing context (tests, or a host that already has one). */
    public BeatHandler(ApplicationContext context) {
        super(context);
    }

    @Override
    public Integer execute(ScheduledEvent event) {
        if (!merged) {
            declared.merge();
            merged = true;
        }
        Instant now = clock.instant();
        Instant endOfMinute = now.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
        return beat.tick(now, Duration.between(now, endOfMinute));
    }
}
