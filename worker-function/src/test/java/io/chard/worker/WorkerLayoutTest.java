package io.chard.worker;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The worker and the broker it leases from stay small: they run on Lambda, where every class loaded is cold-start
 * time, and they must keep working while PostgreSQL or the admin API is down. So neither reaches for the history,
 * beat, the admin API, the database or an HTTP server. (The Maven enforcer rule keeps those jars off the worker's
 * classpath; this rule names the code that would need them.)
 */
class WorkerLayoutTest {
    private static final JavaClasses WORKER_AND_BROKER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.chard.worker", "io.chard.broker");

    private static final ArchRule STAYS_LEAN = noClasses()
            .that().resideInAnyPackage("io.chard.worker..", "io.chard.broker..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "io.chard.history..", "io.chard.beat..", "io.chard.admin..", "io.chard.database..",
                    "io.chard.settings..", "java.sql..", "javax.sql..", "org.flywaydb..", "io.micronaut.http.server..");

    @Test
    void workerAndBrokerCodeNeverImportsHistoryBeatAdminOrJdbc() {
        STAYS_LEAN.check(WORKER_AND_BROKER);
    }

    @Test
    void theRuleCatchesWorkerCodeThatReachesForTheDatabase() {
        JavaClasses offender = new ClassFileImporter().importClasses(DatabaseReachingWorkerCode.class);
        assertThrows(AssertionError.class, () -> STAYS_LEAN.check(offender));
    }

    /** What the rule exists to stop: worker code that needs a JDBC connection. */
    static final class DatabaseReachingWorkerCode {
        java.sql.Connection connection;
    }
}
