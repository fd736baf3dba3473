package io.chard.admin.auth;

import io.chard.admin.AdminMain;
import io.chard.testing.TestPostgres;
import io.chard.testing.TestRedis;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.PropertySource;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The first administrator as the README names it: CHARD_ADMIN_USER and CHARD_ADMIN_PASSWORD. The user variable
 * reached no key (the code read chard.admin.username), so the first administrator was always "admin". From a review.
 */
class FirstAdministratorFromEnvironmentTest {

    @Test
    void chardAdminUserNamesTheFirstAdministrator() {
        Map<String, Object> properties = new HashMap<>(TestRedis.properties());
        properties.putAll(TestPostgres.properties());
        properties.put("micronaut.server.port", -1);
        PropertySource environment = PropertySource.of("test-environment",
                Map.of("CHARD_ADMIN_USER", "ops-lead", "CHARD_ADMIN_PASSWORD", "a-first-password"),
                PropertySource.PropertyConvention.ENVIRONMENT_VARIABLE);
        try (ApplicationContext context = AdminMain.builder(new String[0], properties)
                .propertySources(environment).start()) {
            List<String> names = context.getBean(UserRepository.class).list().stream().map(User::username).toList();
            assertEquals(List.of("ops-lead"), names, "users created from CHARD_ADMIN_USER=ops-lead");
        }
    }
}
