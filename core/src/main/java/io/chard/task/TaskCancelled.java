package io.chard.task;

/** Thrown by {@link TaskContext#checkCancelled()} once the execution was revoked or ran out of soft time. */
public final class TaskCancelled extends RuntimeException {
    public TaskCancelled(String reason) {
        super(reason, null, false, false);
    }
}
