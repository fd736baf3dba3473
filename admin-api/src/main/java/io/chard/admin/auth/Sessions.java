package io.chard.admin.auth;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.chard.admin.ApiError;
import io.chard.admin.audit.AuditLog;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.security.token.generator.TokenGenerator;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Signing in and out. A login answers a bearer token (for scripts) and sets the same JWT as an HTTP-only,
 * same-site cookie (for the SPA, so the token is never readable by page scripts).
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
public class Sessions {
    public static final String COOKIE = "CHARD_SESSION";
    public static final String ROLES_ATTRIBUTE = "chard_roles";
    public static final Duration LIFETIME = Duration.ofHours(8);

    private final UserRepository users;
    private final TokenGenerator tokens;
    private final AuditLog audit;

    Sessions(UserRepository users, TokenGenerator tokens, AuditLog audit) {
        this.users = users;
        this.tokens = tokens;
        this.audit = audit;
    }

    @Serdeable

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Credentials(@Nullable String username, @Nullable String password) {
    }

    @Serdeable(naming = io.micronaut.serde.config.naming.SnakeCaseStrategy.class)

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Session(String accessToken, String tokenType, long expiresIn, String username, List<String> roles,
                          Collection<String> permissions) {
    }

    @Serdeable

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Me(String username, List<String> roles, Collection<String> permissions) {
    }

    @Post("/login")
    @Secured(SecurityRule.IS_ANONYMOUS)
    HttpResponse<?> login(@Body Credentials credentials) {
        if (credentials.username() == null || credentials.password() == null) {
            return HttpResponse.badRequest(ApiError.of("invalid_field", "username and password are required"));
        }
        return users.authenticate(credentials.username(), credentials.password())
                .<HttpResponse<?>>map(this::signIn)
                .orElseGet(() -> HttpResponse.status(HttpStatus.UNAUTHORIZED)
                        .body(ApiError.of("invalid_credentials", "unknown user or wrong password")));
    }

    @Post("/logout")
    @Secured(SecurityRule.IS_ANONYMOUS)
    HttpResponse<?> logout() {
        return HttpResponse.noContent().cookie(Cookie.of(COOKIE, "").path("/").maxAge(0).httpOnly(true));
    }

    @Get("/api/background_tasks/admin/me")
    @Secured(SecurityRule.IS_AUTHENTICATED)
    Me me(Authentication authentication) {
        return new Me(authentication.getName(), roles(authentication), authentication.getRoles());
    }

    @SuppressWarnings("unchecked")
    public static List<String> roles(Authentication authentication) {
        Object roles = authentication.getAttributes().get(ROLES_ATTRIBUTE);
        return roles instanceof List<?> list ? (List<String>) list : List.of();
    }

    private HttpResponse<?> signIn(User user) {
        List<String> roles = user.roles().stream().map(Role::value).toList();
        Authentication authentication = Authentication.build(user.username(), Role.permissionsOf(user.roles()),
                Map.of(ROLES_ATTRIBUTE, roles));
        String jwt = tokens.generateToken(authentication, (int) LIFETIME.toSeconds())
                .orElseThrow(() -> new IllegalStateException("no token generator configured"));
        audit.record(user.username(), "login", null, null);
        return HttpResponse.ok(new Session(jwt, "Bearer", LIFETIME.toSeconds(), user.username(), roles,
                        authentication.getRoles()))
                .cookie(Cookie.of(COOKIE, jwt).path("/").httpOnly(true).sameSite(SameSite.Strict)
                        .maxAge(LIFETIME));
    }
}
