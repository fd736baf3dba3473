package io.chard.lambda.local;

import io.chard.broker.Broker;
import io.chard.broker.ExecutionSnapshot;
import io.chard.broker.ExecutionStatus;
import io.chard.client.TaskClient;
import io.chard.config.ChardSettings;
import io.chard.testing.Await;
import io.chard.testing.TestRedis;
import io.chard.worker.function.DeadlineContext;
import io.chard.worker.function.FunctionHandler;
import io.chard.worker.function.TimerDrainHandler;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The functions run as Lambda runs them: a separate JVM ({@code Invoke}, what {@code ./chard invoke} starts)
 * with the real AWS Lambda runtime interface client against a local Runtime API, fed the JSON Lambda sends.
 */
class InvokeTest {
    /** JVM start on a loaded 2-core machine took up to 30 s: generous, since each wait ends on its condition. */
    static final Duration WAIT = Duration.ofSeconds(150);
    ApplicationContext context;
    String namespace;
    Path dir;

    @BeforeEach
    void start() throws IOException {
        Map<String, Object> properties = FunctionHandler.workerProperties(Map.of());
        properties.putAll(TestRedis.properties());
        properties.put("chard.lease-duration", "3s");
        namespace = (String) properties.get(ChardSettings.NAMESPACE);
        context = ApplicationContext.builder().properties(properties).deduceEnvironment(false).start();
        dir = Files.createTempDirectory("chard-invoke");
    }

    @AfterEach
    void stop() {
        context.close();
    }

    @Test
    void theTimerFunctionRunsThroughTheRealRuntimeClientOnAScheduledEvent() throws Exception {
        UUID id = client().dispatch("examples.add", 2, 3).id();
        Process invoke = invoke("worker-timer", event("scheduled-event.json", Map.of()));
        assertTrue(invoke.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS));
        String out = new String(invoke.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, invoke.exitValue(), out + errors(invoke));
        assertTrue(out.contains("ran 1 (1 succeeded"), out);
        assertEquals("5", snapshot(id).resultJson());
        Map<String, Object> metrics = embeddedMetrics(out);
        assertEquals(1, ((Number) metrics.get("TasksRun")).intValue(), out);
        assertEquals(1, ((Number) metrics.get("TasksSucceeded")).intValue(), out);
        assertEquals(0, ((Number) metrics.get("TasksFailed")).intValue(), out);
    }

    @Test
    void theSqsFunctionAnswersBatchItemFailuresAsJsonThroughTheRealRuntimeClient() throws Exception {
        UUID id = client().dispatch("examples.add", 20, 22).id();
        Process invoke = invoke("worker-sqs", event("sqs-event.json",
                Map.of("{{ID}}", id.toString(), "{{UNKNOWN}}", UUID.randomUUID().toString())));
        assertTrue(invoke.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS));
        String out = new String(invoke.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, invoke.exitValue(), out + errors(invoke));
        assertEquals("{\"batchItemFailures\":[]}", lastLine(out), "the response, as Lambda's serializer writes it");
        assertEquals("42", snapshot(id).resultJson());
        Map<String, Object> metrics = embeddedMetrics(out);
        assertEquals(1, ((Number) metrics.get("TasksRun")).intValue(), out);
        assertEquals(1, ((Number) metrics.get("TasksSucceeded")).intValue(), out);
    }

    /**
     * The invocation's CloudWatch embedded-metric line of counts, parsed: the {@code _aws} block declares every figure
     * as a metric of the namespace, with the function's name (from Lambda's environment) as the dimension. The one
     * task it ran adds one line of waits.
     */
    @SuppressWarnings("unchecked")
    private Map<String, Object> embeddedMetrics(String out) throws IOException {
        List<String> lines = out.lines().filter(line -> line.startsWith("{\"_aws\"")).toList();
        assertEquals(2, lines.size(), "the counts and one task's waits: " + out);
        assertTrue(lines.get(1).contains("\"TaskWait\":["), lines.get(1));
        Map<String, Object> metrics = context.getBean(io.micronaut.json.JsonMapper.class).readValue(lines.getFirst(),
                Map.class);
        Map<String, Object> aws = (Map<String, Object>) metrics.get("_aws");
        assertTrue(((Number) aws.get("Timestamp")).longValue() > 0, lines.getFirst());
        Map<String, Object> directive = ((List<Map<String, Object>>) aws.get("CloudWatchMetrics")).getFirst();
        assertEquals("Chard", directive.get("Namespace"));
        assertEquals(List.of(List.of("Function")), directive.get("Dimensions"));
        List<String> declared = ((List<Map<String, Object>>) directive.get("Metrics")).stream()
                .map(m -> (String) m.get("Name")).toList();
        assertEquals(List.of("TasksRun", "TasksSucceeded", "TasksFailed", "TasksRetried", "TasksGivenBack",
                "LeaseExpiries", "Duration"), declared);
        declared.forEach(name -> assertTrue(metrics.get(name) instanceof Number, name + " in " + lines.getFirst()));
        assertEquals(LambdaEnvironment.DEFAULTS.get("AWS_LAMBDA_FUNCTION_NAME"), metrics.get("Function"));
        return metrics;
    }

    @Test
    void aMalformedEventFailsThatInvocationWithAClearError() throws Exception {
        Process invoke = invoke("worker-sqs", event("scheduled-event.json", Map.of()).resolveSibling("x.json"));
        assertTrue(invoke.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(1, invoke.exitValue());
        String error = errors(invoke);
        assertTrue(error.contains("errorMessage"), error);
    }

    @Test
    void aFunctionKilledMidTaskLosesNothingItsTaskSucceedsOnceTheLeaseLapsesWithTwoDeliveries() throws Exception {
        UUID id = client().dispatch("examples.sleep", 4).id();
        Process invoke = invoke("worker-timer", event("scheduled-event.json", Map.of()));
        Await.until("the task runs in the function", WAIT, () -> snapshot(id).status() == ExecutionStatus.RUNNING);
        invoke.destroyForcibly().waitFor();
        assertEquals(ExecutionStatus.RUNNING, snapshot(id).status(), "killed: nothing gave it back");
        Thread.sleep(3_500);
        // The next timer invocation (in this JVM, sharing the test's context) finds the lease lapsed.
        new TimerDrainHandler(context).handleRequest(new com.amazonaws.services.lambda.runtime.events.ScheduledEvent(),
                new DeadlineContext(Duration.ofSeconds(30)));
        ExecutionSnapshot done = snapshot(id);
        assertEquals(ExecutionStatus.SUCCESS, done.status());
        assertEquals(2, done.deliveries());
    }

    private Process invoke(String function, Path event) throws IOException {
        int port = TestRedis.freePort();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath(), Invoke.class.getName(), function, event.toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + port);
        builder.environment().put("REDIS_URI", TestRedis.uri());
        builder.environment().put("CHARD_NAMESPACE", namespace);
        builder.environment().put("CHARD_LEASE_DURATION", "3s");
        builder.environment().put("CHARD_INVOKE_TIMEOUT", "140S");
        builder.environment().put("CHARD_FUNCTION_SAFETY_MARGIN", "2s");
        builder.environment().putAll(LambdaEnvironment.DEFAULTS);
        return builder.start();
    }

    private static String classpath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    private Path event(String resource, Map<String, String> replacements) throws IOException {
        String json;
        try (InputStream in = InvokeTest.class.getResourceAsStream("/" + resource)) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (Map.Entry<String, String> replacement : replacements.entrySet()) {
            json = json.replace(replacement.getKey(), replacement.getValue());
        }
        Path file = dir.resolve(resource);
        Files.writeString(file, json);
        Files.writeString(dir.resolve("x.json"), "{\"Records\": \"not a list\"");
        return file;
    }

    private static String lastLine(String out) {
        String[] lines = out.strip().split("\n");
        return lines[lines.length - 1];
    }

    private static String errors(Process process) throws IOException {
        return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private TaskClient client() {
        return context.getBean(TaskClient.class);
    }

    private ExecutionSnapshot snapshot(UUID id) {
        return context.getBean(Broker.class).snapshot(id).orElseThrow();
    }

}
