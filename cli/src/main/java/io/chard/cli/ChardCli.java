package io.chard.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code ./chard call|inspect|purge|pause|resume|revoke}: operator commands, sent to admin-api over HTTP with
 * {@code CHARD_TOKEN}, so its permissions and audit log apply. Output is for people on stdout, errors on stderr,
 * and the exit status ({@link ExitCode}) is for scripts.
 */
@Command(name = "chard", mixinStandardHelpOptions = true, subcommands = {ChardCli.Call.class, ChardCli.Inspect.class,
        ChardCli.Purge.class, ChardCli.Pause.class, ChardCli.Resume.class, ChardCli.Revoke.class},
        description = "Talks to admin-api at CHARD_URL (default " + AdminApi.DEFAULT_URL + ") with the API token "
                + "CHARD_TOKEN.")
public final class ChardCli {
    static final String TASKS = "/api/background_tasks/tasks";
    static final String ADMIN = "/api/background_tasks/admin";
    private static final Set<String> ENDED = Set.of("success", "failed", "revoked", "cancelled");
    private final AdminApi api;

    ChardCli(AdminApi api) {
        this.api = api;
    }

    public static void main(String[] args) {
        System.exit(run(AdminApi.fromEnvironment(System.getenv()), new PrintWriter(System.out, true),
                new PrintWriter(System.err, true), args));
    }

    /** Runs one command line and answers its exit status. */
    static int run(AdminApi api, PrintWriter out, PrintWriter err, String... args) {
        CommandLine line = new CommandLine(new ChardCli(api)).setOut(out).setErr(err);
        line.setExitCodeExceptionMapper(e -> e instanceof CliFailure failure ? failure.code.status
                : ExitCode.UNAVAILABLE.status);
        line.setParameterExceptionHandler((e, arguments) -> {
            err.println(e.getMessage());
            e.getCommandLine().usage(err);
            return ExitCode.USAGE.status;
        });
        line.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            err.println("chard: " + e.getMessage());
            return e instanceof CliFailure failure ? failure.code.status : ExitCode.UNAVAILABLE.status;
        });
        return line.execute(args);
    }

    /** The parts every command shares: admin-api, the output, and a path segment made safe. */
    abstract static class Verb implements Callable<Integer> {
        @CommandLine.ParentCommand
        ChardCli cli;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        AdminApi api() {
            return cli.api;
        }

        static String segment(String value) {
            return URLEncoder.encode(value, StandardCharsets.UTF_8);
        }
    }

    @Command(name = "call", description = "Dispatches a task; with --wait, prints its result once it ended.")
    static final class Call extends Verb {
        @Parameters(index = "0", description = "the task's name, e.g. examples.add")
        String task;
        @Parameters(index = "1..*", arity = "0..*",
                description = "positional arguments, each read as JSON when it is JSON (2, true, [1,2]) else as text")
        List<String> args = List.of();
        @Option(names = "--kwargs", description = "keyword arguments, a JSON object")
        String kwargs;
        @Option(names = "--queue", description = "the queue (default: the task's own)")
        String queue;
        @Option(names = "--countdown", description = "seconds before it may run")
        Double countdown;
        @Option(names = "--wait", description = "wait for the outcome and print the result")
        boolean await;
        @Option(names = "--timeout", defaultValue = "60", description = "seconds --wait waits (default 60)")
        double timeout;

        @Override
        public Integer call() throws InterruptedException {
            ObjectNode body = api().json().createObjectNode().put("task", task);
            ArrayNode positional = body.putArray("args");
            args.forEach(arg -> positional.add(value(arg)));
            if (kwargs != null) {
                JsonNode named = value(kwargs);
                if (!named.isObject()) {
                    throw new CliFailure(ExitCode.USAGE, "--kwargs must be a JSON object, got " + kwargs);
                }
                body.set("kwargs", named);
            }
            if (queue != null) {
                body.put("queue", queue);
            }
            if (countdown != null) {
                body.put("countdown", countdown);
            }
            String id = api().post(TASKS, body).path("id").asText();
            if (!await) {
                out().println(id);
                return ExitCode.OK.status;
            }
            // On stderr before the wait: a wait that fails (admin-api gone, exit 5) must not leave a script without
            // the id of what it dispatched, or it dispatches again.
            spec.commandLine().getErr().println("dispatched " + id);
            return awaitOutcome(id);
        }

        private int awaitOutcome(String id) throws InterruptedException {
            Instant giveUp = Instant.now().plus(Duration.ofMillis(Math.round(timeout * 1000)));
            JsonNode execution = api().get(TASKS + "/" + id);
            while (!ENDED.contains(execution.path("status").asText())) {
                if (Instant.now().isAfter(giveUp)) {
                    throw new CliFailure(ExitCode.TIMED_OUT, id + " is still " + execution.path("status").asText()
                            + " after " + timeout + " s");
                }
                Thread.sleep(100);
                execution = api().get(TASKS + "/" + id);
            }
            if (execution.path("status").asText().equals("success")) {
                out().println(execution.path("result").toString());
                return ExitCode.OK.status;
            }
            spec.commandLine().getErr().println(id + " " + execution.path("status").asText() + ": "
                    + execution.path("exception_type").asText("") + " " + execution.path("exception_message").asText(
                    execution.path("revoke_reason").asText("")));
            return ExitCode.TASK_FAILED.status;
        }

        /** One JSON value when the whole text is one (else text as it is): "2 apples" is not the number 2. */
        private JsonNode value(String text) {
            try {
                return text.isBlank() ? api().json().getNodeFactory().textNode(text)
                        : api().json().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(text);
            } catch (IOException notJson) {
                return api().json().getNodeFactory().textNode(text);
            }
        }
    }

    @Command(name = "inspect", description = "Shows live state: queues, workers, active, scheduled, or one execution by id.")
    static final class Inspect extends Verb {
        @Parameters(index = "0", description = "queues | workers | active | scheduled | an execution id")
        String what;

        @Override
        public Integer call() {
            // Each answer is fetched before anything is printed, so a refusal leaves stdout empty.
            switch (what) {
                case "queues" -> {
                    JsonNode queues = api().get(ADMIN + "/queues").path("queues");
                    out().printf("%-24s %8s %8s %9s %s%n", "QUEUE", "READY", "DELAYED", "IN_FLIGHT", "STATE");
                    for (JsonNode queue : queues) {
                        out().printf("%-24s %8d %8d %9d %s%n", queue.path("name").asText(), queue.path("depth").asLong(),
                                queue.path("delayed").asLong(), queue.path("in_flight").asLong(),
                                queue.path("paused").asBoolean() ? "paused" : "running");
                    }
                }
                case "workers" -> {
                    JsonNode workers = api().get(ADMIN + "/workers").path("workers");
                    out().printf("%-40s %-20s %6s %6s%n", "WORKER", "HOST", "SLOTS", "ACTIVE");
                    for (JsonNode worker : workers) {
                        out().printf("%-40s %-20s %6d %6d%n", worker.path("id").asText(), worker.path("host").asText(),
                                worker.path("concurrency").asInt(), worker.path("active").size());
                    }
                }
                case "active" -> {
                    JsonNode running = api().get(ADMIN + "/executions?status=running&per_page=200").path("items");
                    out().printf("%-36s %-30s %-24s %s%n", "ID", "TASK", "STARTED", "WORKER");
                    for (JsonNode row : running) {
                        out().printf("%-36s %-30s %-24s %s%n", row.path("id").asText(), row.path("task_name").asText(),
                                row.path("started_at").asText(), row.path("worker").asText());
                    }
                }
                case "scheduled" -> {
                    JsonNode schedules = api().get(ADMIN + "/schedules").path("items");
                    out().printf("%-32s %-30s %-8s %s%n", "SCHEDULE", "TASK", "ENABLED", "NEXT_RUN");
                    for (JsonNode schedule : schedules) {
                        out().printf("%-32s %-30s %-8s %s%n", schedule.path("name").asText(),
                                schedule.path("task_name").asText(), schedule.path("enabled").asBoolean(),
                                schedule.path("next_run_at").asText());
                    }
                }
                default -> out().println(api().get(ADMIN + "/executions/" + segment(what)).toPrettyString());
            }
            return ExitCode.OK.status;
        }
    }

    /** Pause and resume: one POST to the queue's route named by the command, answered in the past tense. */
    abstract static class QueueSwitch extends Verb {
        @Parameters(index = "0", description = "the queue")
        String queue;

        @Override
        public Integer call() {
            String verb = spec.name();
            api().post(ADMIN + "/queues/" + segment(queue) + "/" + verb, null);
            out().println(verb + "d " + queue);
            return ExitCode.OK.status;
        }
    }

    @Command(name = "pause", description = "Pauses a queue: it keeps taking dispatches, no worker leases from it.")
    static final class Pause extends QueueSwitch {
    }

    @Command(name = "resume", description = "Resumes a paused queue.")
    static final class Resume extends QueueSwitch {
    }

    @Command(name = "purge", description = "Empties a queue: its waiting executions are revoked with reason purged "
            + "(the history keeps them); running ones are left to finish.")
    static final class Purge extends Verb {
        @Parameters(index = "0", description = "the queue")
        String queue;

        @Override
        public Integer call() {
            long purged = api().post(ADMIN + "/queues/" + segment(queue) + "/purge", null).path("purged").asLong();
            out().println("purged " + purged + " from " + queue);
            return ExitCode.OK.status;
        }
    }

    @Command(name = "revoke", description = "Revokes an execution: at once when it waits, at its worker's next "
            + "heartbeat when it runs.")
    static final class Revoke extends Verb {
        @Parameters(index = "0", description = "the execution id")
        String id;

        @Override
        public Integer call() {
            JsonNode answer = api().post(ADMIN + "/executions/" + segment(id) + "/revoke", null);
            out().println(id + " " + answer.path("revocation").asText());
            return ExitCode.OK.status;
        }
    }
}
