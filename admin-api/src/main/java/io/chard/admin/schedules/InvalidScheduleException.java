package io.chard.admin.schedules;

/**
 * A schedule definition or preview request that cannot be used; answered 422 with its code, and for a cron
 * expression the field and offset of the mistake.
 */
final class InvalidScheduleException extends RuntimeException {
    private final Integer field;
    private final Integer offset;
    private final String code;

    InvalidScheduleException(String message, Integer field, Integer offset) {
        this(message, field, offset, "invalid_schedule");
    }

    InvalidScheduleException(String message, Integer field, Integer offset, String code) {
        super(message);
        this.field = field;
        this.offset = offset;
        this.code = code;
    }

    String code() {
        return code;
    }

    Integer field() {
        return field;
    }

    Integer offset() {
        return offset;
    }
}
