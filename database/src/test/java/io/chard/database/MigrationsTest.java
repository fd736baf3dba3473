package io.chard.database;

import io.chard.testing.TestPostgres;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Roles share one database but each migrates only the modules on its classpath, in any order: a role must start on a
 * database that another role migrated past its own newest version (admin-api's V300 applied, then beat or the
 * recorder starts), and one that brings an older version must still apply it.
 */
class MigrationsTest {
    @Test
    void aRoleStartsOnADatabaseAnotherRoleMigratedFurther() throws Exception {
        Map<String, Object> later = TestPostgres.properties();
        later.put("flyway.datasources.default.locations", DatabaseProperties.defaults()
                .get("flyway.datasources.default.locations") + ",classpath:db/chard/later");
        try (ApplicationContext laterRole = ApplicationContext.run(later)) {
            assertTrue(hasTable(laterRole, "later_role_only"));
        }
        Map<String, Object> earlier = new HashMap<>(later);
        earlier.putAll(DatabaseProperties.defaults());
        try (ApplicationContext earlierRole = ApplicationContext.run(earlier)) {
            assertTrue(hasTable(earlierRole, "later_role_only"), "the earlier role started on the same database");
        }
    }

    private static boolean hasTable(ApplicationContext context, String table) throws Exception {
        try (Connection connection = context.getBean(DataSource.class).getConnection();
             ResultSet result = connection.getMetaData().getTables(null, null, table, null)) {
            return result.next();
        }
    }
}
