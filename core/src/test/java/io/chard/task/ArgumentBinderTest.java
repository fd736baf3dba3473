package io.chard.task;

import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArgumentBinderTest {
    static ApplicationContext context;
    static TaskRegistry registry;
    static ArgumentBinder binder;
    static JsonMapper json;

    @BeforeAll
    static void start() {
        context = ApplicationContext.run();
        registry = context.getBean(TaskRegistry.class);
        binder = context.getBean(ArgumentBinder.class);
        json = context.getBean(JsonMapper.class);
    }

    @AfterAll
    static void stop() {
        context.close();
    }

    @Test
    void tasksAreDiscoveredWithTheirDeclaredOptionsAndDefaults() {
        TaskOptions greet = registry.require("test.greet").options();
        assertEquals("mail", greet.declaredQueue());
        assertEquals(7, greet.priority());
        TaskOptions add = registry.require("test.add").options();
        // Queue and retries stay undeclared: TaskDefaults applies them at each use (they are stored settings).
        assertNull(add.declaredQueue());
        assertEquals(5, add.priority());
        assertNull(add.declaredMaxRetries());
        assertThrows(UnknownTaskException.class, () -> registry.require("test.nope"));
    }

    @Test
    void positionalAndNamedArgumentsBindLikeACall() {
        assertArrayEquals(new Object[]{2L, 3L}, bind("test.add", "[2, 3]", null));
        assertArrayEquals(new Object[]{2L, 3L}, bind("test.add", "[2]", "{\"b\": 3}"));
        assertArrayEquals(new Object[]{2L, 3L}, bind("test.add", null, "{\"b\": 3, \"a\": 2}"));
    }

    @Test
    void containersBindToTheirGenericTypes() {
        Object[] values = bind("test.collect", "[[\"x\", \"y\"]]", "{\"scores\": {\"x\": 1}}");
        assertEquals(List.of("x", "y"), values[0]);
        assertEquals(Map.of("x", 1), values[1]);
    }

    @Test
    void optionalAndNullableParametersMayBeLeftOutAndTheContextIsNeverBound() {
        TaskContext context = new NoContext();
        Object[] values = binder.bind(registry.require("test.greet").method(), node("[\"Ada\"]"), null, context);
        assertEquals("Ada", values[0]);
        assertNull(values[1]);
        assertEquals(Optional.empty(), values[2]);
        assertSame(context, values[3]);
    }

    @Test
    void aMissingArgumentIsNamed() {
        ArgumentBindingException e = assertThrows(ArgumentBindingException.class, () -> bind("test.add", "[1]", null));
        assertEquals("b", e.parameter());
        assertTrue(e.getMessage().contains("missing required argument 'b'"), e.getMessage());
    }

    @Test
    void aValueOfTheWrongTypeNamesItsParameter() {
        ArgumentBindingException e = assertThrows(ArgumentBindingException.class,
                () -> bind("test.add", "[1, \"three\"]", null));
        assertEquals("b", e.parameter());
        assertTrue(e.getMessage().contains("argument 'b' expects"), e.getMessage());
    }

    @Test
    void tooManyPositionalArgumentsAreRefused() {
        ArgumentBindingException e = assertThrows(ArgumentBindingException.class,
                () -> bind("test.add", "[1, 2, 3]", null));
        assertTrue(e.getMessage().contains("takes 2 positional argument(s) but 3 were given"), e.getMessage());
    }

    @Test
    void anUnknownOrRepeatedKeywordIsRefusedByName() {
        assertEquals("c", assertThrows(ArgumentBindingException.class,
                () -> bind("test.add", "[1, 2]", "{\"c\": 3}")).parameter());
        assertEquals("a", assertThrows(ArgumentBindingException.class,
                () -> bind("test.add", "[1, 2]", "{\"a\": 3}")).parameter());
    }

    @Test
    void argsMustBeAnArrayAndKwargsAnObject() {
        assertThrows(ArgumentBindingException.class, () -> bind("test.add", "{\"a\": 1}", null));
        assertThrows(ArgumentBindingException.class, () -> bind("test.add", null, "[1, 2]"));
    }

    @Test
    void catchAllParametersCollectWhatNoOtherParameterTook() {
        Object[] values = bind("test.echo", "[\"a\", 1, 2]", "{\"x\": true}");
        assertEquals("a", values[0]);
        assertEquals(node("[1, 2]"), values[1]);
        assertEquals(node("{\"x\": true}"), values[2]);
    }

    private Object[] bind(String task, String args, String kwargs) {
        return binder.bind(registry.require(task).method(), node(args), node(kwargs), null);
    }

    private static JsonNode node(String text) {
        try {
            return text == null ? null : json.readValue(text, JsonNode.class);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static final class NoContext implements TaskContext {
        public java.util.UUID executionId() { return null; }
        public String taskName() { return null; }
        public int attempt() { return 1; }
        public int retries() { return 0; }
        public void progress(int percent, String step) { }
        public RetryRequested retry(java.time.Duration countdown) { return new RetryRequested(countdown); }
        public boolean cancelled() { return false; }
        public void checkCancelled() { }
        public boolean softTimeLimitExceeded() { return false; }
    }
}
