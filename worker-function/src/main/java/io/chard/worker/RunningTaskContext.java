package io.chard.worker;

import io.chard.broker.BrokerConsumer;
import io.chard.task.RetryRequested;
import io.chard.task.TaskCancelled;
import io.chard.task.TaskContext;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.UUID;

/** The {@link TaskContext} handed to a task running on this worker. */
final class RunningTaskContext implements TaskContext {
    private static final Logger LOG = LoggerFactory.getLogger(RunningTaskContext.class);
    /** The history's progress_step column width. */
    private static final int STEP_LIMIT = 200;
    private final Execution execution;
    private final BrokerConsumer broker;

    RunningTaskContext(Execution execution, BrokerConsumer broker) {
        this.execution = execution;
        this.broker = broker;
    }

    @Override
    public UUID executionId() {
        return execution.delivery.id();
    }

    @Override
    public String taskName() {
        return execution.taskName;
    }

    @Override
    public int attempt() {
        return execution.delivery.retries() + 1;
    }

    @Override
    public int retries() {
        return execution.delivery.retries();
    }

    /** Best effort: a broker that cannot take the report must not fail the task that made it. */
    @Override
    public void progress(int percent, String step) {
        String label = step == null || step.length() <= STEP_LIMIT ? step : step.substring(0, cutAt(step));
        try {
            broker.progress(execution.lease(), Math.clamp(percent, 0, 100), label);
        } catch (RuntimeException e) {
            LOG.debug("progress of {} not recorded: {}", execution.delivery.id(), e.toString());
        }
    }

    // Not between the two halves of a character outside the BMP: half of one goes to Redis as '?'.
    private static int cutAt(String step) {
        return Character.isHighSurrogate(step.charAt(STEP_LIMIT - 1)) ? STEP_LIMIT - 1 : STEP_LIMIT;
    }

    @Override
    public RetryRequested retry(Duration countdown) {
        return new RetryRequested(countdown);
    }

    @Override
    public boolean cancelled() {
        return execution.cancelRequested;
    }

    @Override
    public void checkCancelled() {
        if (execution.cancelRequested) {
            throw new TaskCancelled("revoked");
        }
        if (execution.softLimitPassed) {
            throw new TaskCancelled("soft time limit exceeded");
        }
    }

    @Override
    public boolean softTimeLimitExceeded() {
        return execution.softLimitPassed;
    }
}
