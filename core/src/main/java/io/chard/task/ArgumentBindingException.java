package io.chard.task;

/** The dispatched arguments do not fit the task's parameters; names the parameter when there is one. */
public final class ArgumentBindingException extends RuntimeException {
    private final String parameter;

    public ArgumentBindingException(String parameter, String message) {
        super(message);
        this.parameter = parameter;
    }

    /** The offending parameter, or null when the problem is the argument count. */
    public String parameter() {
        return parameter;
    }
}
