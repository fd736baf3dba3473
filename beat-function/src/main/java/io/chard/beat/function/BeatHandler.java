package io.chard.beat.function;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.chard.beat.Beat;
import io.chard.beat.DeclaredSchedules;
import io.chard.worker.DrainReport;
import io.chard.worker.function.ScheduledHandler;
import com.zaxxer.hikari.HikariDataSource;
import io.chard.database.SchemaCheck;
import io.micronaut.context.ApplicationContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

/**
 * Beat on AWS Lambda ({@code io.chard.beat.function.BeatHandler}), invoked once a minute by an EventBridge
 * schedule: fires everything due before the next invocation ({@link #LOOKAHEAD}), sub-minute intervals included
 * (each dispatched with its due time as eta, so the broker starts it on time), then drains the built-in {@code background_tasks}
 * queue, so that a deployment without containers still sweeps stuck executions and purges old ones.
 * Overlapping or repeated invocations are harmless: every fire is claimed exactly once. Reads the same
 * environment as {@code ./chard beat} ({@code REDIS_URI}, {@code CHARD_JDBC_URL}, {@code CHARD_JDBC_USER},
 * {@code CHARD_JDBC_PASSWORD}).
 */
public class BeatHandler extends ScheduledHandler {
    private static final Logger LOG = LoggerFactory.getLogger(BeatHandler.class);
    /**
     * How far ahead one invocation fires: a minute, the schedule's period, and half a minute more for EventBridge's
     * lateness. EventBridge starts a rate(1 minute) rule at some second of each minute, not at its start: a window
     * ending with the invocation's own minute left the due times between the next minute's start and the next
     * invocation unfired until then, late by up to a minute. Windows overlap harmlessly: each fire is claimed once.
     */
    static final Duration LOOKAHEAD = Duration.ofSeconds(90);
    private final Beat beat;
    private final DeclaredSchedules declared;
    private boolean merged;

    /**
     * The constructor Lambda calls: the context is built from the function's environment; Flyway starts only when
     * the database lacks one of the function's migrations (see {@link SchemaCheck}).
     */
    public BeatHandler() {
        this(start(SchemaCheck.skipMigrationWhenCurrent(BeatMain.functionProperties(System.getenv()))));
    }

    /** Runs inside an existing context (tests, or a host that already has one). */
    public BeatHandler(ApplicationContext context) {
        super(context);
        this.beat = context.getBean(Beat.class);
        this.declared = context.getBean(DeclaredSchedules.class);
    }

    @Override
    protected Handled<String> handle(ScheduledEvent event, Instant deadline, Instant end) {
        if (!merged) {
            declared.merge();
            merged = true;
        }
        int fires = beat.tick(clock.instant(), LOOKAHEAD);
        DrainReport maintenance = worker().drain(deadline, config.runBudget());
        String line = "beat: " + fires + " fires; maintenance " + maintenance.summary() + "; "
                + left(end).toMillis() + " ms left";
        LOG.info(line);
        return new Handled<>(line, maintenance);
    }

    /**
     * Closes the pool's PostgreSQL connections (the function's pool keeps none idle, so none reopen before the
     * snapshot); after a restore the pool opens them again at the first statement.
     */
    @Override
    protected void releaseForSnapshot() {
        try {
            context.getBean(DataSource.class).unwrap(HikariDataSource.class).getHikariPoolMXBean().softEvictConnections();
        } catch (SQLException e) {
            throw new IllegalStateException("the history database is not a Hikari pool", e);
        }
    }
}
