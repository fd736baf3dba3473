package io.chard.schedule;

// Refusal of a cron expression that cannot be parsed or can never fire. Says which field (1-5, or 0
// for the expression as a whole), where (1-based character offset into the expression) and why, so
// an API or the admin UI can point at the mistake.
public final class InvalidCronException extends IllegalArgumentException {

    private static final String[] FIELD_NAMES = {"minute", "hour", "day-of-month", "month", "day-of-week"};

    private final String expression;
    private final int field;
    private final int offset;
    private final String reason;

    InvalidCronException(String expression, int field, int offset, String reason) {
        super(field == 0
                ? reason + " (in \"" + expression + "\")"
                : "field " + field + " (" + FIELD_NAMES[field - 1] + "): " + reason
                        + " (at character " + offset + " of \"" + expression + "\")");
        this.expression = expression;
        this.field = field;
        this.offset = offset;
        this.reason = reason;
    }

    public String expression() {
        return expression;
    }

    public int field() {
        return field;
    }

    public int offset() {
        return offset;
    }

    public String reason() {
        return reason;
    }
}
