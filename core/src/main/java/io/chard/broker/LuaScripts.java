package io.chard.broker;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The broker's Lua scripts, each the shared prelude plus its own body, called by SHA and sent whole only when
 * the server does not know it yet (first use, after a restart or SCRIPT FLUSH, or on a replica promoted by a
 * failover: the script cache is not replicated). Every call declares its keys, the partition's prefix first,
 * so a cluster connection sends it to the master of that partition's slot.
 */
final class LuaScripts {

    enum Script {
        ENQUEUE(UNIQUE), LEASE(WORKFLOW, UNIQUE, LIMITS, LEASING), SETTLE(WORKFLOW, UNIQUE, LIMITS), HEARTBEAT,
        RELEASE(LIMITS), REVOKE(WORKFLOW, UNIQUE), PROGRESS, ENQUEUE_WORKFLOW(WORKFLOW),
        LEASE_IDS(WORKFLOW, UNIQUE, LIMITS, LEASING),
        PURGE(WORKFLOW, UNIQUE), PROMOTE, FORGET_QUEUES;

        /** Shared Lua each script needs beyond the prelude, prepended after it in this order. */
        private final List<String> includes;

        Script(String... includes) {
            this.includes = List.of(includes);
        }

        String file() {
            return name().toLowerCase() + ".lua";
        }
    }

    /** The canvas join: every script that can end an execution runs it in the same call (see workflow.lua). */
    private static final String WORKFLOW = "workflow.lua";
    /** Unique tasks' locks: taken by enqueue, released where an execution starts or ends (see unique.lua). */
    private static final String UNIQUE = "unique.lua";
    /** Rate limits and concurrency caps: what starts and what ends an execution counts in them (limits.lua). */
    private static final String LIMITS = "limits.lua";
    /** What lease and lease by id share: taking back a lapsed lease, the wait before a start (leasing.lua). */
    private static final String LEASING = "leasing.lua";

    /** Cluster refusals that mean the script did not run (a slot moving, a failover): safe to send again. */
    private static final List<String> RESEND = List.of("CLUSTERDOWN", "TRYAGAIN", "MOVED", "ASK");
    /** Resends after 25, 50, ... 800 ms: about 1.6 s, longer than a manual failover takes on loopback. */
    private static final int RESENDS = 6;
    private final Map<Script, String> sources = new EnumMap<>(Script.class);
    private final Map<Script, String> digests = new EnumMap<>(Script.class);

    /**
     * @param history   false: the scripts write no events at all ({@code chard.history.enabled=false})
     * @param maxEvents the bound on each partition's event stream ({@code chard.events.max-length})
     */
    LuaScripts(boolean history, long maxEvents) {
        String prelude = "local HISTORY = " + history + "\nlocal EVENTS_MAX = " + maxEvents + "\n"
                + read("prelude.lua");
        for (Script script : Script.values()) {
            StringBuilder source = new StringBuilder(prelude).append('\n');
            script.includes.forEach(include -> source.append(read(include)).append('\n'));
            source.append(read(script.file()));
            sources.put(script, source.toString());
            digests.put(script, sha1(source.toString()));
        }
    }

    /** What Redis names a script by (EVALSHA): the SHA-1 of its text, in lower-case hex. */
    static String sha1(String source) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    /** Runs {@code script} with its declared {@code keys} (the partition's prefix first) and {@code argv}. */
    <T> T run(BlockingCommands redis, Script script, ScriptOutputType type, List<String> keys,
              List<String> argv) {
        String[] names = keys.toArray(String[]::new);
        String[] values = argv.toArray(String[]::new);
        for (int attempt = 0; ; attempt++) {
            try {
                return runOnce(redis, script, type, names, values);
            } catch (RedisCommandExecutionException e) {
                if (attempt == RESENDS || RESEND.stream().noneMatch(String.valueOf(e.getMessage())::startsWith)) {
                    throw e;
                }
                pause(25L << attempt);
            }
        }
    }

    /**
     * Runs {@code script} pipelined behind a blocking pop of {@code wakeKeys} (see
     * {@link BlockingCommands#blpopThenEvalsha}). A script Redis does not hold yet is sent whole once the pop has
     * returned; no resends: a wait that fails is the caller's to rest.
     */
    <T> BlockingCommands.PopThenScript<T> runAfterPop(BlockingCommands redis, double timeoutSeconds,
                                                      String[] wakeKeys, Script script, ScriptOutputType type,
                                                      List<String> keys, List<String> argv) {
        String[] names = keys.toArray(String[]::new);
        String[] values = argv.toArray(String[]::new);
        BlockingCommands.PopThenScript<T> answers = redis.blpopThenEvalsha(timeoutSeconds, wakeKeys,
                digests.get(script), type, names, values);
        if (!(answers.script().failure() instanceof RedisNoScriptException)) {
            return answers;
        }
        return new BlockingCommands.PopThenScript<>(answers.pop(),
                BlockingCommands.Answer.of(() -> redis.eval(sources.get(script), type, names, values)));
    }

    private <T> T runOnce(BlockingCommands redis, Script script, ScriptOutputType type,
                          String[] keys, String[] values) {
        try {
            return redis.evalsha(digests.get(script), type, keys, values);
        } catch (RedisNoScriptException unknown) {
            return redis.eval(sources.get(script), type, keys, values);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerUnavailableException("interrupted while Redis Cluster settled", e);
        }
    }

    private static String read(String file) {
        try (InputStream in = LuaScripts.class.getResourceAsStream("scripts/" + file)) {
            if (in == null) {
                throw new IllegalStateException("missing script " + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
