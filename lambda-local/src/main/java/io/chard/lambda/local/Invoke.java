package io.chard.lambda.local;

import com.amazonaws.services.lambda.runtime.api.client.AWSLambda;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code ./chard invoke FUNCTION EVENT.json}: runs one invocation exactly as Lambda would, in this process. It
 * serves the event on a local Lambda Runtime API at {@code AWS_LAMBDA_RUNTIME_API} and starts the real AWS
 * Lambda runtime interface client, which resolves the handler, deserializes the event, calls the handler and
 * posts its response. Prints the response on stdout (exit 0), or the error on stderr (exit 1); past the timeout
 * ({@code CHARD_INVOKE_TIMEOUT}, default 60 s) it halts as Lambda does (exit 2).
 *
 * <p>{@code ./chard runtime-api EVENT.json} ({@code Invoke --serve EVENT.json}) serves the same one invocation to a
 * runtime client outside this process, such as a function's container image run with host networking; its REPORT
 * then counts from this server's start, so the init it shows includes the container's start.
 */
public final class Invoke {
    /** Short names for Chard's handlers; anything else is taken as a handler string (class::method). */
    static final Map<String, String> FUNCTIONS = Map.of(
            "worker-timer", "io.chard.worker.function.TimerDrainHandler",
            "worker-sqs", "io.chard.sqs.SqsDrainHandler",
            "beat", "io.chard.beat.function.BeatHandler");

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: invoke FUNCTION EVENT.json   (FUNCTION: " + String.join(", ", FUNCTIONS.keySet())
                    + ", or a handler class), or invoke --serve EVENT.json (for a runtime client elsewhere)");
            System.exit(64);
        }
        boolean inProcess = !args[0].equals("--serve");
        String handler = FUNCTIONS.getOrDefault(args[0], args[0]);
        byte[] event = Files.readAllBytes(Path.of(args[1]));
        String api = System.getenv("AWS_LAMBDA_RUNTIME_API");
        if (api == null || !api.contains(":")) {
            System.err.println("invoke: AWS_LAMBDA_RUNTIME_API must be host:port (./chard invoke sets it)");
            System.exit(64);
        }
        int port = Integer.parseInt(api.substring(api.lastIndexOf(':') + 1));
        Duration timeout = Duration.parse("PT" + System.getenv().getOrDefault("CHARD_INVOKE_TIMEOUT", "60S"));
        LocalRuntimeApi runtimeApi = new LocalRuntimeApi(port, event, timeout);
        if (inProcess) {
            Thread.ofPlatform().name("lambda-runtime-client").daemon().start(() -> {
                try {
                    AWSLambda.main(new String[] {handler});
                } catch (Throwable e) {
                    runtimeApi.result().complete(new LocalRuntimeApi.Result(false, e.toString()));
                }
            });
            // While the function starts, this thread would only wait: it readies the server's first answer here
            // (see LocalRuntimeApi.warmUp), off the function's path, as Lambda's Runtime API is off its JVM.
            LocalRuntimeApi.warmUp();
        } else {
            System.err.println("runtime-api: serving one invocation at http://" + api + "/2018-06-01/runtime/");
        }
        LocalRuntimeApi.Result result;
        try {
            long left = runtimeApi.deadlineMillis() - System.currentTimeMillis();
            result = runtimeApi.result().get(Math.max(1, left), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            System.err.println("Task timed out after " + timeout.toSeconds() + " seconds");
            Runtime.getRuntime().halt(2);
            return;
        }
        report(runtimeApi, result, inProcess);
        // Halts without closing anything, as Lambda freezes an instance: nothing is given back at exit.
        if (result.ok()) {
            System.out.println(result.body());
            System.out.flush();
            Runtime.getRuntime().halt(0);
        }
        System.err.println(result.body());
        System.err.flush();
        Runtime.getRuntime().halt(1);
    }

    /**
     * Lambda's REPORT line, on stderr: the init phase (JVM start to the runtime client's first request for an
     * event), the invocation, their sum (JVM start to the response: the cold start), and the CPU time the JVM used
     * meanwhile (every thread, the JIT compilers included), which a loaded machine inflates less than wall time.
     * Serving a client elsewhere, the start is this server's and the CPU (the function's) is not known here: -1.
     */
    private static void report(LocalRuntimeApi runtimeApi, LocalRuntimeApi.Result result, boolean inProcess) {
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        long served = runtimeApi.servedAtMillis() == 0 ? result.atMillis() : runtimeApi.servedAtMillis();
        long cpu = inProcess ? ProcessHandle.current().info().totalCpuDuration().map(Duration::toMillis).orElse(-1L) : -1;
        System.err.printf("REPORT RequestId: %s\tInit Duration: %d ms\tDuration: %d ms\tJVM start to response: %d ms"
                        + "\tCPU: %d ms%n", runtimeApi.requestId(), served - jvmStart, result.atMillis() - served,
                result.atMillis() - jvmStart, cpu);
    }

    private Invoke() {
    }
}
