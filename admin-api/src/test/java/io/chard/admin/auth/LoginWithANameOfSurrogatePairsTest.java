package io.chard.admin.auth;

import io.chard.admin.testing.ApiClient.Answer;
import io.chard.admin.testing.SharedAdminApi;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * From the fixes review. The login throttle keeps no failures for a name longer than {@link User#MAX_USERNAME}
 * Java chars (UTF-16 units), and its {@code succeeded} removes {@code userKey(name)}: null for such a name, and
 * ConcurrentHashMap.remove(null) throws. The column is VARCHAR(100) in characters (code points), so an account
 * whose name holds characters outside the BMP (the first administrator, CHARD_ADMIN_USER, is not held to the API's
 * ASCII pattern) can have a name of 51 code points, 102 chars: its right password answers 500, and it never logs in.
 */
class LoginWithANameOfSurrogatePairsTest extends SharedAdminApi {

    @Test
    void anAccountWhoseNameTheColumnHoldsLogsInWithItsPassword() {
        String name = "\uD83E\uDD80".repeat(51); // 51 crabs: 51 characters for PostgreSQL, 102 for Java
        server.context.getBean(UserRepository.class).create(name, "a-good-password", List.of(Role.VIEWER));
        Answer login = server.anonymous.post("/login", "{\"username\":\"" + name + "\",\"password\":\"a-good-password\"}");
        assertEquals(200, login.status(), "the right password answered " + login.status() + " " + login.body());
    }
}
