package io.chard.trace;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Every Chard process's logging, set up in code: Chard's own lines at INFO, everything else at WARN, to standard
 * output, as text, or with {@code CHARD_LOG_FORMAT=json} one JSON object per line (logback's {@code JsonEncoder}:
 * timestamp, level, logger, thread, message, mdc, throwable). While a task runs, the MDC holds execution_id, task,
 * attempt and trace_id ({@link TaskLogScope}): in the JSON's {@code mdc} object, or in [..] after the text line.
 *
 * <p>In code rather than a {@code logback.xml} because reading XML is a start-up cost a worker or a function pays
 * before its first task: 61 ms of CPU and about 500 of logback's classes (the XML model and its handlers), which a
 * JDK AOT cache then loads at every JVM start. Logback finds this class as a service before it looks for XML.
 *
 * <p>A user's own configuration wins: with {@code -Dlogback.configurationFile}, or a {@code logback.xml} or
 * {@code logback-test.xml} on the classpath, this steps aside and logback reads that file as usual.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
    /** Standard output's format: {@code json}, or text when unset or anything else. */
    public static final String FORMAT = "CHARD_LOG_FORMAT";
    static final String TEXT_PATTERN =
            "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%replace( [%mdc]){' \\[\\]', ''}%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        ClassLoader loader = LogSetup.class.getClassLoader();
        if (System.getProperty("logback.configurationFile") != null || loader.getResource("logback-test.xml") != null
                || loader.getResource("logback.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        configure(context, System.getenv(FORMAT));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Sets up {@code context} to write in {@code format} ({@code json}, or text for anything else or null). */
    static void configure(LoggerContext context, String format) {
        boolean json = "json".equalsIgnoreCase(format);
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName(json ? "json" : "text");
        console.setEncoder(json ? jsonEncoder(context) : textEncoder(context));
        console.start();
        context.getLogger("io.chard").setLevel(Level.INFO);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(console);
    }

    private static Encoder<ILoggingEvent> textEncoder(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(TEXT_PATTERN);
        encoder.start();
        return encoder;
    }

    private static Encoder<ILoggingEvent> jsonEncoder(LoggerContext context) {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithContext(false);
        encoder.setWithArguments(false);
        encoder.start();
        return encoder;
    }
}
