package io.chard.admin.auth;

import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccessRulesTest {

    @Test
    void aCopyReadBackFromRedisWithNoEndedSessionsStillChecksSessions() throws IOException {
        try (ApplicationContext context = ApplicationContext.run()) {
            JsonMapper json = context.getBean(JsonMapper.class);
            AccessRules written = new AccessRules(7, Map.of("ada", new AccessRules.Account(2, List.of("admin"), null)),
                    Map.of(), Map.of());

            AccessRules read = json.readValue(json.writeValueAsString(written), AccessRules.class);

            assertTrue(read.sessionHolds("ada", null, 2, "a-session"));
            assertFalse(read.sessionHolds("ada", null, 1, "a-session"), "an older session version");
            assertTrue(read.authenticateToken("no-such-hash").isEmpty());
        }
    }
}
