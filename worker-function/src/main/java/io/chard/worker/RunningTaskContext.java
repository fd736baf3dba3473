package io.chard.worker;

import io.chard.broker.BrokerConsumer;
import io.chard.task.RetryRequested;
import io.chard.task.TaskCancelled;
import io.chard.task.TaskContext;

import java.time.Duration;
import java.util.UUID;

/** The {@link TaskContext} handed to a task running on this worker. */
final class RunningTaskContext implements TaskContext {
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

    @Override
    public void progress(int percent, String step) {
        broker.progress(execution.lease(), Math.clamp(percent, 0, 100), step);
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
