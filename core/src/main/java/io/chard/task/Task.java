package io.chard.task;

import io.micronaut.context.annotation.Executable;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a bean as a task. The enclosing class must be a bean ({@code @Singleton}); Micronaut's
 * annotation processor records the method at compile time, so a module on the classpath contributes its
 * tasks with no registration code. Durations are in seconds; zero means "none".
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Executable(processOnStartup = true)
public @interface Task {

    /** The task name callers dispatch by, such as {@code orders.send_receipt}. */
    String value();

    /** Blank: the default queue (the stored setting {@code task_default_queue}, else {@code chard.default-queue}). */
    String queue() default "";

    /** 0 to 9, higher runs first; -1 takes the dispatcher's or the default (5). */
    int priority() default -1;

    /** -1 takes the default (the stored setting {@code max_retries}, else {@code chard.max-retries}). */
    int maxRetries() default -1;

    /** Exceptions (and their subclasses) that schedule a retry instead of failing the execution. */
    Class<? extends Throwable>[] autoretryFor() default {};

    /** Base of the exponential backoff: attempt n waits up to {@code retryBackoff * 2^n} seconds. */
    double retryBackoff() default 1;

    double retryBackoffMax() default 600;

    /** Full jitter: the wait is drawn uniformly from [0, backoff]. */
    boolean retryJitter() default true;

    /** The task's thread is interrupted and {@link TaskContext#softTimeLimitExceeded()} turns true. */
    double softTimeLimit() default 0;

    /** The execution is failed with {@code TimeLimitExceeded} and its slot freed, whatever the code does. */
    double timeLimit() default 0;

    /** Seconds after dispatch past which an execution that has not started is not run. */
    double expires() default 0;

    /**
     * Makes the task unique: while its lock holds, a dispatch with the same key answers the execution holding it.
     * Declared here only (no dispatch overrides it): one caller must not be able to step around another's lock.
     */
    Unique unique() default Unique.NONE;

    /** FOR_PERIOD: how long the lock holds (required). WHILE_PENDING and WHILE_RUNNING: a cap (0: none). */
    double uniqueFor() default 0;

    /**
     * The parameter whose value is the unique key (one order per {@code orderId}); empty: the whole call, the
     * task's positional and named arguments as sent.
     */
    String uniqueKey() default "";

    /**
     * At most this many starts in any window of the length named, across every worker: {@code "100/s"},
     * {@code "10/m"}, {@code "5/h"}. Executions over it wait (not counted as late) without holding up the others
     * of their queue. Blank: none. A malformed rate, or 0, stops start-up.
     */
    String rateLimit() default "";

    /** At most this many running at once across every worker; -1: none. 0 stops start-up. */
    int concurrency() default -1;

    /**
     * The parameter whose value keys the limits: {@link #rateLimit()} and {@link #concurrency()} then hold for each
     * value apart (each customer its own 10/s), as BullMQ Pro's groups. Blank: one limit for the whole task.
     */
    String limitKey() default "";

    /**
     * Arguments the admin views do not show (a password, a card number, an access token): parameter names, or
     * {@code "*"} for every argument. Each such value reads {@value Redaction#PLACEHOLDER} in the execution list and
     * detail, the live stream and the task API's read, and the arguments of a task with any cannot be searched. The
     * value is still stored, reaches the task and is sent again by a retry. A name that is no parameter stops the
     * start-up.
     */
    String[] redact() default {};
}
