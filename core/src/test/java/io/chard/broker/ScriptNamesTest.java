package io.chard.broker;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Lua scripts and the Java enums name the same states and events: every status a script writes (HSET
 * {@code 'state', ...}) or compares with, and every event type it emits, is a member of {@link ExecutionStatus}
 * or {@link ExecutionEvent}. Reads the script sources; needs no Redis.
 */
class ScriptNamesTest {

    @Test
    void everyStatusAndEventNameInTheScriptsIsAMemberOfTheEnums() throws IOException, URISyntaxException {
        Map<String, String> scripts = scripts();
        assertTrue(scripts.keySet().containsAll(Arrays.stream(LuaScripts.Script.values())
                .map(LuaScripts.Script::file).toList()), "every script is read: " + scripts.keySet());
        List<String> problems = new ArrayList<>();
        scripts.forEach((file, source) -> problems.addAll(ScriptNames.of(source).problems(file)));
        assertEquals(List.of(), problems);
    }

    @Test
    void theScriptsUseEveryEventAndEveryStatusButTheHistoryOnlyStuck() throws IOException, URISyntaxException {
        Set<String> statuses = new TreeSet<>();
        Set<String> events = new TreeSet<>();
        for (String source : scripts().values()) {
            ScriptNames names = ScriptNames.of(source);
            statuses.addAll(names.statuses());
            events.addAll(names.events());
        }
        assertEquals(values(ExecutionEvent.values(), ExecutionEvent::value), events,
                "an enum member no script emits is dead, or this test stopped seeing the scripts' emits");
        Set<String> brokerStatuses = values(ExecutionStatus.values(), ExecutionStatus::value);
        brokerStatuses.remove(ExecutionStatus.STUCK.value());
        assertEquals(brokerStatuses, statuses, "the broker writes every status except stuck (the history's verdict)");
    }

    @Test
    void aScriptThatWritesAnUnknownNameFailsTheCheck() {
        String script = """
                local f = redis.call('HMGET', h, 'state', 'token')
                local state = f[1]
                if f[1] == 'runing' or state ~= 'pending' then
                  redis.call('HSET', h, 'token', '', 'state', 'finished', 'finished', ms(NOW))
                  redis.call('HSET', h, 'state', outcome)
                  emit(id, 'done', 'reason', 'x')
                  emit(id, kind)
                  redis.call('XADD', prefix .. 'events', '*', 'type', 'completed', 'id', id)
                end
                -- emit(id, 'commented_out') and 'state', 'ignored' in comments do not count
                """;
        List<String> problems = ScriptNames.of(script).problems("inline.lua");
        assertEquals(List.of(
                "inline.lua: status 'finished' is not an ExecutionStatus",
                "inline.lua: status 'runing' is not an ExecutionStatus",
                "inline.lua: event 'completed' is not an ExecutionEvent",
                "inline.lua: event 'done' is not an ExecutionEvent",
                "inline.lua: a state written from a variable (outcome), not a literal the test can check",
                "inline.lua: an event emitted with a type from a variable (kind), not a literal the test can check"),
                problems);
    }

    @Test
    void theParserSeesTheScriptsOwnWays() {
        ScriptNames names = ScriptNames.of("""
                local f = redis.call('HMGET', h, 'state', 'queue')
                local state, queue = f[1], f[2]
                if state == 'pending' or f[1] ~= 'retrying' then
                  redis.call('HSET', h, 'state', 'revoked', 'reason', reason,
                    'finished', ms(NOW))
                  emit(id, 'revoked', 'reason', reason)
                end
                """);
        assertEquals(Set.of("pending", "retrying", "revoked"), names.statuses());
        assertEquals(Set.of("revoked"), names.events());
        assertEquals(List.of(), names.problems("x.lua"));
    }

    private static Map<String, String> scripts() throws IOException, URISyntaxException {
        Path dir = Path.of(Objects.requireNonNull(LuaScripts.class.getResource("scripts")).toURI());
        Map<String, String> sources = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".lua")).toList()) {
                sources.put(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        return sources;
    }

    private static <E> Set<String> values(E[] members, java.util.function.Function<E, String> value) {
        return Arrays.stream(members).map(value).collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * The names one script uses, found the ways the scripts write them: {@code 'state', <value>} inside an HSET,
     * {@code f[1] == '<value>'} where {@code f} is an HMGET whose first field is {@code state} (or a local
     * assigned from {@code f[1]}), {@code emit(id, '<type>', ...)} (or {@code emit_alike}) and {@code 'type', <value>}
     * inside an XADD.
     */
    record ScriptNames(Set<String> statuses, Set<String> events, Set<String> variableStates,
                       Set<String> variableEvents) {
        private static final Pattern COMMENT = Pattern.compile("--\\[\\[.*?]]|--[^\\n]*", Pattern.DOTALL);
        private static final Pattern STATE_ARG = Pattern.compile("'state'\\s*,\\s*('([^']*)'|[\\w.\\[\\]]+)");
        private static final Pattern TYPE_ARG = Pattern.compile("'type'\\s*,\\s*('([^']*)'|[\\w.\\[\\]]+)");
        private static final Pattern STATE_READ =
                Pattern.compile("local\\s+(\\w+)\\s*=\\s*redis\\.call\\('HMGET'\\s*,\\s*[^,]+,\\s*'state'");
        private static final Pattern EMIT =
                Pattern.compile("(function\\s+)?\\bemit(?:_alike)?\\(\\s*[^,()]+,\\s*('([^']*)'|\\w+)");

        static ScriptNames of(String script) {
            String code = COMMENT.matcher(script).replaceAll("");
            ScriptNames names = new ScriptNames(new TreeSet<>(), new TreeSet<>(), new TreeSet<>(), new TreeSet<>());
            for (String hset : calls(code, "HSET")) {
                arguments(STATE_ARG, hset, names.statuses, names.variableStates);
            }
            for (String xadd : calls(code, "XADD")) {
                arguments(TYPE_ARG, xadd, names.events, names.variableEvents);
            }
            Matcher emit = EMIT.matcher(code);
            while (emit.find()) {
                if (emit.group(1) == null) {
                    add(emit.group(3), emit.group(2), names.events, names.variableEvents);
                }
            }
            // The prelude's emit(id, kind, ...) hands its parameter to XADD's 'type': the callers' literals count.
            names.variableEvents.removeAll(emitParameters(code));
            for (String variable : stateVariables(code)) {
                Matcher compared = Pattern.compile("(?<![\\w.])" + Pattern.quote(variable) + "\\s*[=~]=\\s*'([^']*)'")
                        .matcher(code);
                while (compared.find()) {
                    names.statuses.add(compared.group(1));
                }
            }
            return names;
        }

        /** What is wrong with the names, one line each: unknown statuses, unknown events, unreadable writes. */
        List<String> problems(String file) {
            List<String> problems = new ArrayList<>();
            Set<String> knownStatuses = values(ExecutionStatus.values(), ExecutionStatus::value);
            Set<String> knownEvents = values(ExecutionEvent.values(), ExecutionEvent::value);
            statuses.stream().filter(s -> !knownStatuses.contains(s))
                    .forEach(s -> problems.add(file + ": status '" + s + "' is not an ExecutionStatus"));
            events.stream().filter(e -> !knownEvents.contains(e))
                    .forEach(e -> problems.add(file + ": event '" + e + "' is not an ExecutionEvent"));
            variableStates.forEach(v -> problems.add(file + ": a state written from a variable (" + v
                    + "), not a literal the test can check"));
            variableEvents.forEach(v -> problems.add(file + ": an event emitted with a type from a variable (" + v
                    + "), not a literal the test can check"));
            return problems;
        }

        /** The argument text of each {@code redis.call('<command>', ...)}, which may span lines. */
        private static List<String> calls(String code, String command) {
            List<String> calls = new ArrayList<>();
            String opening = "redis.call('" + command + "'";
            for (int at = code.indexOf(opening); at >= 0; at = code.indexOf(opening, at + 1)) {
                int depth = 0;
                int end = at + "redis.call".length();
                do {
                    char c = code.charAt(end++);
                    depth += c == '(' ? 1 : c == ')' ? -1 : 0;
                } while (depth > 0 && end < code.length());
                calls.add(code.substring(at, end));
            }
            return calls;
        }

        private static void arguments(Pattern argument, String call, Set<String> literals, Set<String> variables) {
            Matcher m = argument.matcher(call);
            while (m.find()) {
                add(m.group(2), m.group(1), literals, variables);
            }
        }

        private static void add(String literal, String expression, Set<String> literals, Set<String> variables) {
            if (literal != null) {
                literals.add(literal);
            } else {
                variables.add(expression);
            }
        }

        private static Set<String> emitParameters(String code) {
            Matcher m = Pattern.compile("function\\s+emit\\(\\s*\\w+\\s*,\\s*(\\w+)").matcher(code);
            Set<String> parameters = new TreeSet<>();
            while (m.find()) {
                parameters.add(m.group(1));
            }
            return parameters;
        }

        /** {@code f[1]} of an HMGET starting with 'state', and locals assigned from it ({@code local state = f[1]}). */
        private static Set<String> stateVariables(String code) {
            Set<String> variables = new TreeSet<>();
            Matcher read = STATE_READ.matcher(code);
            while (read.find()) {
                String first = read.group(1) + "[1]";
                variables.add(first);
                Matcher alias = Pattern.compile(
                        "local\\s+(\\w+)[\\w\\s,]*=\\s*" + Pattern.quote(first) + "(?![\\w\\[])").matcher(code);
                while (alias.find()) {
                    variables.add(alias.group(1));
                }
            }
            return variables;
        }
    }
}
