package io.chard.admin.auth;

import io.chard.broker.RedisKeys;
import io.chard.config.ChardConfig;
import io.chard.config.ChardSettings;
import io.chard.loop.Loop;
import io.chard.loop.Outage;
import io.chard.broker.RedisConnection;
import io.chard.broker.RedisConnector;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.micronaut.context.annotation.Requires;
import io.micronaut.json.JsonMapper;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.token.Claims;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Keeps the access rules where a request reaches them without PostgreSQL: in memory, refreshed every second
 * from a copy in Redis, which every admin-api instance rewrites from PostgreSQL after it changes a user, a
 * token or a session. So a dispatch authenticates while PostgreSQL is down, and a change made on one instance
 * holds on the others within a second (at once on the instance that made it).
 *
 * <p>Which copy wins is decided by its generation (see {@link AccessRepository#read()}), inside one script, so
 * two instances publishing at once cannot leave the older copy in Redis. A copy that could not be written
 * (Redis down) is written by the refresh once Redis answers; with Redis down, the refresh reads PostgreSQL. A change
 * committed but not published (PostgreSQL gone before the read, or the instance gone before it) is published by
 * the refresh: at its next step on the instance whose read failed, within {@link #REPUBLISH} on every instance.
 */
@Singleton
@Requires(property = ChardSettings.ADMIN_ENABLED, value = "true")
public class AccessMirror {
    private static final Logger LOG = LoggerFactory.getLogger(AccessMirror.class);
    static final Duration REFRESH = Duration.ofSeconds(1);
    /**
     * How often each instance reads the rules from PostgreSQL whatever Redis says: a change whose instance died
     * between its commit and its publication reaches every instance within this.
     */
    static final Duration REPUBLISH = Duration.ofSeconds(30);
    /** KEYS: generation, copy. ARGV: generation, copy (JSON). Result: 1 written, 0 Redis holds a newer copy. */
    private static final String PUBLISH = """
            local stored = tonumber(redis.call('GET', KEYS[1]) or '-1')
            if tonumber(ARGV[1]) <= stored then return 0 end
            redis.call('SET', KEYS[2], ARGV[2])
            redis.call('SET', KEYS[1], ARGV[1])
            return 1""";
    private static final long LAG_CHECK_MILLIS = 100;

    private final AccessRepository repository;
    private final RedisConnector connector;
    private final JsonMapper json;
    private final String generationKey;
    private final String copyKey;
    private final Outage redisOutage = new Outage(LOG, "access rules in Redis");
    private final Outage databaseOutage = new Outage(LOG, "access rules in PostgreSQL");
    private final Loop refresher = new Loop("chard-access-rules", this::refreshStep);
    private volatile RedisConnection connection;
    private volatile AccessRules rules = AccessRules.NONE;
    private volatile long lastLagCheck;
    private volatile boolean unpublished;
    private volatile long lastPublished = System.nanoTime();

    AccessMirror(AccessRepository repository, RedisConnector connector, JsonMapper json, ChardConfig config) {
        this.repository = repository;
        this.connector = connector;
        this.json = json;
        String prefix = RedisKeys.of(config.namespace()).prefix();
        this.generationKey = prefix + "auth:generation";
        this.copyKey = prefix + "auth:rules";
    }

    @PostConstruct
    void start() {
        refresh();
        refresher.start();
    }

    @PreDestroy
    void stop() {
        refresher.stop(Duration.ofSeconds(2));
        RedisConnection open = connection;
        if (open != null) {
            open.close();
        }
    }

    /** The rules as this instance knows them (at most about a second old). */
    public AccessRules rules() {
        return rules;
    }

    /**
     * Whether an identity authenticated earlier still holds now, for what outlives its request (a live stream): a
     * session not expired, its user still at its version and not logged out; an API token not revoked, its owner
     * still there. A stream checked only at its start went on sending after its session ended.
     */
    public boolean stillHolds(Authentication user, Instant now) {
        Map<String, Object> attributes = user.getAttributes();
        if (attributes.get(AccessRules.TOKEN_ID) instanceof String tokenId) {
            AccessRules known = rules;
            return known.tokens().values().stream().anyMatch(token -> token.id().equals(tokenId)
                    && known.users().containsKey(token.username()));
        }
        if (!(attributes.get(SessionClaims.SESSION_VERSION) instanceof Number version)
                || !Sessions.expiry(attributes.get(Claims.EXPIRATION_TIME)).isAfter(now)) {
            return false;
        }
        Object userId = attributes.get(SessionClaims.USER_ID);
        Object sessionId = attributes.get(SessionClaims.SESSION_ID);
        return rules.sessionHolds(user.getName(), userId == null ? null : userId.toString(), version.longValue(),
                sessionId == null ? null : sessionId.toString());
    }

    /**
     * The rules again, at most every 100 ms, when a session carries a newer version than this copy: a user
     * created or changed on another instance moments ago is not refused for a second.
     */
    AccessRules rulesFor(String username, long sessionVersion) {
        AccessRules known = rules;
        long now = System.currentTimeMillis();
        if (known.mayLag(username, sessionVersion) && now - lastLagCheck > LAG_CHECK_MILLIS) {
            lastLagCheck = now;
            refresh();
        }
        return rules;
    }

    /**
     * After a change in PostgreSQL: read the rules there and publish them here and in Redis. A read that fails after
     * the change committed (PostgreSQL gone between the two statements) is read again by the refresh each second
     * until it succeeds: the refresh follows Redis' generation, which nothing moved, so a user disabled in
     * PostgreSQL kept their sessions until some other change was published.
     */
    public void publish() {
        // Cleared before the read, set again if it fails: a read that began after a failed one sees its change.
        unpublished = false;
        AccessRules fresh;
        try {
            fresh = repository.read();
        } catch (RuntimeException e) {
            unpublished = true;
            throw e;
        }
        lastPublished = System.nanoTime();
        adopt(fresh);
        try {
            write(fresh);
            redisOutage.recovered();
        } catch (RedisException e) {
            redisOutage.failed(e);
        }
    }

    private Duration refreshStep() {
        if (unpublished || System.nanoTime() - lastPublished >= REPUBLISH.toNanos()) {
            try {
                publish();
                databaseOutage.recovered();
            } catch (RuntimeException e) {
                databaseOutage.failed(e);
            }
        }
        refresh();
        return REFRESH;
    }

    private void refresh() {
        try {
            syncWithRedis();
            redisOutage.recovered();
        } catch (RedisException | IOException e) {
            redisOutage.failed(e);
            readDatabase();
        }
    }

    private void syncWithRedis() throws IOException {
        String stored = redis().get(generationKey);
        long generation = stored == null ? -1 : Long.parseLong(stored);
        if (generation > rules.generation()) {
            String copy = redis().get(copyKey);
            if (copy != null) {
                adopt(json.readValue(copy, AccessRules.class));
            }
        } else if (generation < rules.generation()) {
            write(rules);
        }
        if (rules == AccessRules.NONE) {
            readDatabase();
            write(rules);
        }
    }

    private void readDatabase() {
        try {
            adopt(repository.read());
            databaseOutage.recovered();
        } catch (RuntimeException e) {
            databaseOutage.failed(e);
        }
    }

    private synchronized void adopt(AccessRules candidate) {
        if (candidate.generation() > rules.generation()) {
            rules = candidate;
        }
    }

    private void write(AccessRules copy) {
        String text;
        try {
            text = json.writeValueAsString(copy);
        } catch (IOException e) {
            throw new IllegalStateException("the access rules cannot be written as JSON", e);
        }
        redis().eval(PUBLISH, ScriptOutputType.INTEGER, new String[]{generationKey, copyKey},
                Long.toString(copy.generation()), text);
    }

    /** Its own connection (a single Redis or the cluster; both keys share the namespace's tag, one slot). */
    private RedisClusterCommands<String, String> redis() {
        RedisConnection open = connection;
        if (open == null) {
            synchronized (this) {
                if (connection == null) {
                    RedisConnection opened = connector.connect();
                    opened.connection().setTimeout(Duration.ofSeconds(2));
                    connection = opened;
                }
                open = connection;
            }
        }
        return open.sync();
    }
}
