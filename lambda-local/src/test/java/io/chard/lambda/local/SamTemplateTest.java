package io.chard.lambda.local;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.chard.config.ChardConfig;
import io.chard.config.ChardSettings;
import io.chard.sqs.SqsConfig;
import io.chard.sqs.SqsTiming;
import io.chard.worker.WorkerConfig;
import io.chard.worker.function.FunctionConfig;
import io.micronaut.context.annotation.ConfigurationProperties;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SAM template (infra/sam/template.yaml), parsed, since the SAM CLI cannot run here: every handler it names
 * is in the artifact its CodeUri names, every environment variable it sets is one the code reads, and the
 * timeouts relate as {@link SqsTiming} demands.
 */
class SamTemplateTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Map<String, Object> TEMPLATE = load();

    @Test
    void everyHandlerItNamesIsAStreamHandlerInTheArtifactItsCodeUriNames() throws Exception {
        Map<String, Map<String, Object>> functions = functions();
        assertTrue(functions.size() >= 4, functions.keySet().toString());
        for (Map.Entry<String, Map<String, Object>> function : functions.entrySet()) {
            Map<String, Object> properties = map(function.getValue().get("Properties"));
            String handler = (String) properties.get("Handler");
            String module = Path.of((String) properties.get("CodeUri")).normalize().toString()
                    .replace("../", "").split("/")[0];
            assertTrue(inModuleArtifact(module, handler.replace('.', '/') + ".class"),
                    function.getKey() + ": " + handler + " is not in " + module + "'s artifact");
            assertTrue(RequestStreamHandler.class.isAssignableFrom(Class.forName(handler)), handler);
        }
    }

    @Test
    void everyEnvironmentVariableItSetsIsOneTheCodeReads() throws IOException {
        Set<String> read = readVariables();
        List<String> unread = new ArrayList<>();
        Map<String, Object> global = map(map(map(map(TEMPLATE.get("Globals")).get("Function")).get("Environment"))
                .get("Variables"));
        global.keySet().stream().filter(name -> !read.contains(name)).forEach(unread::add);
        for (Map.Entry<String, Map<String, Object>> function : functions().entrySet()) {
            Object environment = map(function.getValue().get("Properties")).get("Environment");
            if (environment != null) {
                map(map(environment).get("Variables")).keySet().stream().filter(name -> !read.contains(name))
                        .forEach(name -> unread.add(function.getKey() + "." + name));
            }
        }
        for (Object container : (List<?>) map(map(resources().get("AdminTask")).get("Properties"))
                .get("ContainerDefinitions")) {
            for (String list : List.of("Environment", "Secrets")) {
                for (Object variable : (List<?>) map(container).get(list)) {
                    String name = (String) map(variable).get("Name");
                    if (!read.contains(name)) {
                        unread.add("AdminTask." + name);
                    }
                }
            }
        }
        assertEquals(List.of(), unread, "set by the template, read by nothing (known: " + read + ")");
    }

    @Test
    void theTimeoutsRelateAsTheSqsFunctionChecksAtStartAndSecretsAreNeverPlainText() {
        Map<String, Object> parameters = map(TEMPLATE.get("Parameters"));
        long lease = number(parameters, "LeaseDuration");
        long margin = number(parameters, "SafetyMargin");
        long budget = number(parameters, "RunBudget");
        long visibility = number(parameters, "VisibilityTimeout");
        Map<String, Object> queue = map(map(resources().get("DefaultQueue")).get("Properties"));
        assertEquals("!Ref VisibilityTimeout", queue.get("VisibilityTimeout"));
        assertTrue(queue.containsKey("RedrivePolicy"), "a dead-letter queue");
        for (Map.Entry<String, Map<String, Object>> function : functions().entrySet()) {
            Map<String, Object> properties = map(function.getValue().get("Properties"));
            String timeoutParameter = ((String) properties.get("Timeout")).replace("!Ref ", "");
            long timeout = number(parameters, timeoutParameter);
            Map<String, Object> variables = map(map(properties.get("Environment")).get("Variables"));
            assertEquals("!Sub ${" + timeoutParameter + "}s", variables.get("CHARD_FUNCTION_TIMEOUT"),
                    function.getKey() + " tells the code the timeout Lambda enforces");
            assertTrue(margin < timeout, function.getKey() + ": the safety margin leaves no time to run");
            if (properties.get("Handler").equals("io.chard.worker.function.TimerDrainHandler")) {
                assertTrue(budget <= timeout - margin, function.getKey() + ": no task without a limit would ever fit");
            }
            if (properties.get("Handler").equals("io.chard.sqs.SqsDrainHandler")) {
                assertEquals("!Sub ${VisibilityTimeout}s", variables.get("CHARD_SQS_VISIBILITY_TIMEOUT"));
                Map<String, Object> event = map(map(map(properties.get("Events")).values().iterator().next())
                        .get("Properties"));
                assertEquals(List.of("ReportBatchItemFailures"), event.get("FunctionResponseTypes"));
                assertEquals("!Ref SqsBatchSize", event.get("BatchSize"));
                assertEquals("!Ref SqsMaximumConcurrency", map(event.get("ScalingConfig")).get("MaximumConcurrency"));
                SqsTiming.check(Duration.ofSeconds(timeout), Duration.ofSeconds(visibility), Duration.ofSeconds(lease),
                        Duration.ofSeconds(margin));
            }
        }
        Map<String, Object> global = map(map(map(map(TEMPLATE.get("Globals")).get("Function")).get("Environment"))
                .get("Variables"));
        assertTrue(((String) global.get("REDIS_URI")).contains("{{resolve:secretsmanager:"), "Redis from Secrets Manager");
        Map<String, Object> beat = map(map(map(resources().get("Beat")).get("Properties")).get("Environment"));
        assertTrue(map(beat.get("Variables")).get("CHARD_JDBC_PASSWORD").toString().contains("{{resolve:secretsmanager:"));
        assertEquals("rate(1 minute)", map(map(map(map(map(resources().get("Beat")).get("Properties")).get("Events"))
                .get("EveryMinute")).get("Properties")).get("Schedule"));
    }

    /** The variables Chard reads: those LaunchProperties names, and every chard.* key as Micronaut maps it. */
    private static Set<String> readVariables() throws IOException {
        Set<String> read = new HashSet<>(Set.of("JAVA_TOOL_OPTIONS"));
        String launch = Files.readString(ROOT.resolve("core/src/main/java/io/chard/config/LaunchProperties.java"));
        Matcher names = Pattern.compile("env\\.get(?:OrDefault)?\\(\"([A-Z_]+)\"").matcher(launch);
        while (names.find()) {
            read.add(names.group(1));
        }
        for (Class<?> config : List.of(ChardConfig.class, WorkerConfig.class, FunctionConfig.class, SqsConfig.class)) {
            String prefix = config.getAnnotation(ConfigurationProperties.class).value();
            for (RecordComponent component : config.getRecordComponents()) {
                read.add(variable(prefix + "." + component.getName().replaceAll("([A-Z])", "-$1").toLowerCase()));
            }
        }
        for (Field field : ChardSettings.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                try {
                    String key = (String) field.get(null);
                    if (key.startsWith("chard.")) {
                        read.add(variable(key));
                    }
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return read;
    }

    private static String variable(String key) {
        return key.toUpperCase().replace('.', '_').replace('-', '_');
    }

    private static boolean inModuleArtifact(String module, String classFile) throws IOException {
        Path target = ROOT.resolve(module).resolve("target");
        List<String> entries = new ArrayList<>(List.of(target.resolve("classes").toString()));
        entries.addAll(List.of(Files.readString(target.resolve("runtime-classpath.txt")).strip().split(":")));
        for (String entry : entries) {
            Path path = Path.of(entry);
            if (Files.isDirectory(path) && Files.exists(path.resolve(classFile))) {
                return true;
            }
            if (entry.endsWith(".jar") && Files.isRegularFile(path)) {
                try (JarFile jar = new JarFile(path.toFile())) {
                    if (jar.getEntry(classFile) != null) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static Map<String, Map<String, Object>> functions() {
        Map<String, Map<String, Object>> functions = new LinkedHashMap<>();
        resources().forEach((name, resource) -> {
            if ("AWS::Serverless::Function".equals(map(resource).get("Type"))) {
                functions.put(name, map(resource));
            }
        });
        return functions;
    }

    private static Map<String, Object> resources() {
        return map(TEMPLATE.get("Resources"));
    }

    private static long number(Map<String, Object> parameters, String name) {
        return ((Number) map(parameters.get(name)).get("Default")).longValue();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    /** CloudFormation's short tags (!Ref X, !Sub '...', !GetAtt A.B) read as the strings "!Ref X", ... */
    private static Map<String, Object> load() {
        SafeConstructor constructor = new SafeConstructor(new LoaderOptions()) {
            {
                this.yamlConstructors.put(null, new AbstractConstruct() {
                    @Override
                    public Object construct(Node node) {
                        String tag = node.getTag().getValue();
                        return switch (node) {
                            case ScalarNode scalar -> tag + " " + scalar.getValue();
                            case SequenceNode sequence -> constructSequence(sequence);
                            case MappingNode mapping -> constructMapping(mapping);
                            default -> throw new IllegalStateException(tag);
                        };
                    }
                });
            }
        };
        try {
            return new Yaml(constructor).load(Files.readString(ROOT.resolve("infra/sam/template.yaml")));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
