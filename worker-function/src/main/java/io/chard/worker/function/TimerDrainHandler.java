package io.chard.worker.function;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.chard.worker.DrainReport;
import io.chard.worker.WorkerConfig;
import io.micronaut.context.ApplicationContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/**
 * The timer-driven worker function ({@code io.chard.worker.function.TimerDrainHandler}), invoked by an
 * EventBridge schedule: drains the queues of {@code CHARD_WORKER_QUEUES} until the invocation's deadline,
 * leasing only what fits in the time left, and returns early once nothing that could run is left. It also picks
 * up what a queue trigger missed (a failed send, a function killed at its timeout) once the lease lapsed.
 */
public class TimerDrainHandler extends ScheduledHandler {
    private static final Logger LOG = LoggerFactory.getLogger(TimerDrainHandler.class);

    /** The constructor Lambda calls. */
    public TimerDrainHandler() {
        this(start(workerProperties(System.getenv())));
    }

    public TimerDrainHandler(ApplicationContext context) {
        super(context);
    }

    @Override
    protected Handled<String> handle(ScheduledEvent event, Instant deadline, Instant end) {
        DrainReport report = worker().drain(deadline, config.runBudget());
        String line = "timer drain of " + context.getBean(WorkerConfig.class).queues() + ": " + report.summary()
                + "; " + left(end).toMillis() + " ms left";
        LOG.info(line);
        return new Handled<>(line, report);
    }
}
