package io.chard.test;

import io.chard.task.RetryRequested;
import io.chard.task.TaskCancelled;
import io.chard.task.TaskContext;

import java.time.Duration;
import java.util.UUID;

/** The {@link TaskContext} of a task run inline: progress is kept on the execution, nothing is ever cancelled. */
final class InlineTaskContext implements TaskContext {
    private final InlineExecution execution;

    InlineTaskContext(InlineExecution execution) {
        this.execution = execution;
    }

    @Override
    public UUID executionId() {
        return execution.envelope.id();
    }

    @Override
    public String taskName() {
        return execution.envelope.task();
    }

    @Override
    public int attempt() {
        return execution.retries + 1;
    }

    @Override
    public int retries() {
        return execution.retries;
    }

    @Override
    public void progress(int percent, String step) {
        execution.progress = Math.clamp(percent, 0, 100);
        execution.step = step;
    }

    @Override
    public RetryRequested retry(Duration countdown) {
        return new RetryRequested(countdown);
    }

    @Override
    public boolean cancelled() {
        return false;
    }

    @Override
    public void checkCancelled() {
        if (Thread.currentThread().isInterrupted()) {
            throw new TaskCancelled("interrupted");
        }
    }

    @Override
    public boolean softTimeLimitExceeded() {
        return false;
    }
}
