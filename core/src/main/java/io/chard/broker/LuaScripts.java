package io.chard.broker;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The broker's Lua scripts, each the shared prelude plus its own body, called by SHA and sent whole only when
 * the server does not know it yet (first use, or after a restart or SCRIPT FLUSH).
 */
final class LuaScripts {

    enum Script {
        ENQUEUE, LEASE, SETTLE, HEARTBEAT, RELEASE, REVOKE, PROGRESS, LEASE_IDS;

        String file() {
            return name().toLowerCase() + ".lua";
        }
    }

    private static final String[] NO_KEYS = new String[0];
    private final Map<Script, String> sources = new EnumMap<>(Script.class);
    private final Map<Script, String> digests = new EnumMap<>(Script.class);

    LuaScripts(RedisCommands<String, String> anyConnection) {
        String prelude = read("prelude.lua");
        for (Script script : Script.values()) {
            String source = prelude + "\n" + read(script.file());
            sources.put(script, source);
            digests.put(script, anyConnection.digest(source));
        }
    }

    /** Runs {@code script} with {@code argv} (the namespace prefix is ARGV[1]). */
    <T> T run(RedisCommands<String, String> redis, Script script, ScriptOutputType type, List<String> argv) {
        String[] values = argv.toArray(String[]::new);
        try {
            return redis.evalsha(digests.get(script), type, NO_KEYS, values);
        } catch (RedisNoScriptException unknown) {
            return redis.eval(sources.get(script), type, NO_KEYS, values);
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
