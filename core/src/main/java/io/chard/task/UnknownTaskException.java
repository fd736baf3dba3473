package io.chard.task;

/** No task of that name is registered in this process. */
public final class UnknownTaskException extends RuntimeException {
    private final String taskName;

    public UnknownTaskException(String taskName) {
        super("unknown task '" + taskName + "'");
        this.taskName = taskName;
    }

    public String taskName() {
        return taskName;
    }
}
