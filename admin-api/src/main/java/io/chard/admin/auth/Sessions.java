package io.chard.admin.auth;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.chard.admin.ApiError;
import io.chard.admin.StrictJson;
import io.chard.admin.audit.AuditLog;
import io.chard.config.ChardSettings;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.security.token.Claims;
import io.micronaut.security.token.generator.TokenGenerator;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.UUID;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Signing in and out. A login answers a bearer token (for scripts) and sets the same JWT as an HTTP-only,
 * same-site cookie (for the SPA, so the token is never readable by page scripts), {@code Secure} outside
 * {@code ./chard dev}. The JWT carries a session id and the user's session version, which
 * {@link SessionClaims} checks on every request; logout ends the session id before its expiry.
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
    private final AccessRepository access;
    private final AccessMirror mirror;
    private final LoginThrottle throttle;
    private final boolean secureCookie;
    private final JsonMapper json;

    Sessions(UserRepository users, TokenGenerator tokens, AuditLog audit, AccessRepository access,
             AccessMirror mirror, LoginThrottle throttle,
             @Value("${" + ChardSettings.ADMIN_SECURE_COOKIE + ":true}") boolean secureCookie, JsonMapper json) {
        this.users = users;
        this.tokens = tokens;
        this.audit = audit;
        this.access = access;
        this.mirror = mirror;
        this.throttle = throttle;
        this.secureCookie = secureCookie;
        this.json = json;
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
    @RequestBody(content = @Content(schema = @Schema(implementation = Credentials.class)))
    HttpResponse<?> login(@Body String body, HttpRequest<?> request) {
        Credentials credentials = StrictJson.bind(body, json, Credentials.class);
        if (credentials.username() == null || credentials.password() == null) {
            return HttpResponse.badRequest(ApiError.of("invalid_field", "username and password are required"));
        }
        if (PasswordLimit.exceeded(credentials.password())) {
            return HttpResponse.badRequest(ApiError.ofField("invalid_field", PasswordLimit.MESSAGE, "password"));
        }
        String address = request.getRemoteAddress().getAddress().getHostAddress();
        Optional<Duration> wait = throttle.attempt(credentials.username(), address);
        if (wait.isPresent()) {
            long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
            return HttpResponse.status(HttpStatus.TOO_MANY_REQUESTS).header(HttpHeaders.RETRY_AFTER,
                    Long.toString(seconds)).body(ApiError.of("too_many_attempts", "too many failed logins for this "
                    + "user or from this address; try again in " + seconds + " s"));
        }
        Optional<User> user;
        try {
            user = users.authenticate(credentials.username(), credentials.password());
        } catch (RuntimeException unchecked) {
            throttle.unchecked(credentials.username(), address);
            throw unchecked;
        }
        if (user.isEmpty()) {
            return HttpResponse.status(HttpStatus.UNAUTHORIZED)
                    .body(ApiError.of("invalid_credentials", "unknown user or wrong password"));
        }
        throttle.succeeded(credentials.username(), address);
        return signIn(user.get());
    }

    /** Ends the session the request carries (cookie or bearer JWT), then clears the cookie. */
    @Post("/logout")
    @Secured(SecurityRule.IS_ANONYMOUS)
    HttpResponse<?> logout(@Nullable Authentication authentication) {
        Object sessionId = authentication == null ? null
                : authentication.getAttributes().get(SessionClaims.SESSION_ID);
        if (sessionId != null) {
            access.endSession(UUID.fromString(sessionId.toString()),
                    expiry(authentication.getAttributes().get(Claims.EXPIRATION_TIME)));
            mirror.publish();
            audit.record(authentication.getName(), "logout", null, null);
        }
        return HttpResponse.noContent().cookie(cookie("").maxAge(0));
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
                Map.of(ROLES_ATTRIBUTE, roles, SessionClaims.SESSION_ID, UUID.randomUUID().toString(),
                        SessionClaims.SESSION_VERSION, user.sessionVersion(), SessionClaims.USER_ID,
                        user.id().toString()));
        String jwt = tokens.generateToken(authentication, (int) LIFETIME.toSeconds())
                .orElseThrow(() -> new IllegalStateException("no token generator configured"));
        audit.record(user.username(), "login", null, null);
        return HttpResponse.ok(new Session(jwt, "Bearer", LIFETIME.toSeconds(), user.username(), roles,
                        authentication.getRoles()))
                .cookie(cookie(jwt).maxAge(LIFETIME));
    }

    private Cookie cookie(String value) {
        return Cookie.of(COOKIE, value).path("/").httpOnly(true).sameSite(SameSite.Strict).secure(secureCookie);
    }

    /** A JWT's expiry as the claims carry it (a date, or seconds since the epoch). */
    static Instant expiry(Object exp) {
        if (exp instanceof Date date) {
            return date.toInstant();
        }
        if (exp instanceof Number seconds) {
            return Instant.ofEpochSecond(seconds.longValue());
        }
        if (exp instanceof Instant instant) {
            return instant;
        }
        return Instant.now().plus(LIFETIME);
    }
}
