package io.chard.lambda.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * The part of the AWS Lambda Runtime HTTP API (2018-06-01) a runtime client uses, serving one invocation: the
 * event on the first {@code GET /runtime/invocation/next} (with the request id, deadline and function ARN
 * headers Lambda sends), then the handler's response or error. Later {@code next} calls wait, as Lambda's do
 * between invocations.
 */
final class LocalRuntimeApi implements AutoCloseable {
    private static final String BASE = "/2018-06-01/runtime/";

    /**
     * How the invocation ended: the response body, or the error (an init error when requestId is null), and when
     * (epoch ms) it reached this API.
     */
    record Result(boolean ok, String body, long atMillis) {
        Result(boolean ok, String body) {
            this(ok, body, System.currentTimeMillis());
        }
    }

    private static final String SERVER_PROVIDER = "com.sun.net.httpserver.HttpServerProvider";
    private static final String JDK_SERVER = "sun.net.httpserver.DefaultHttpServerProvider";
    /** The Date header the JDK's server writes on every answer (RFC 1123, as its ExchangeImpl formats it). */
    private static final String DATE_HEADER = "EEE, dd MMM yyyy HH:mm:ss zzz";

    private final HttpServer server;
    private final String requestId = UUID.randomUUID().toString();
    private final byte[] event;
    private final long deadlineMillis;
    private final CompletableFuture<Result> result = new CompletableFuture<>();
    private final CountDownLatch never = new CountDownLatch(1);
    private boolean served;
    /** When (epoch ms) the runtime client asked for its first event: the end of Lambda's init phase. */
    private volatile long servedAtMillis;

    LocalRuntimeApi(int port, byte[] event, Duration timeout) throws IOException {
        this.event = event;
        this.deadlineMillis = System.currentTimeMillis() + timeout.toMillis();
        // The JDK's own server, named outright: looking it up as a service opened every jar of the function's
        // classpath on the way to its start (20 ms of a cold start that Lambda's Runtime API does not cost).
        System.setProperty(SERVER_PROVIDER, System.getProperty(SERVER_PROVIDER, JDK_SERVER));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
        server.createContext(BASE, this::handle);
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    /**
     * Formats a Date header once, as the server's first answer will: the first use of the locale's day, month and
     * zone names loads the JDK's locale data, 35 ms that the function's first event otherwise waited for (the
     * runtime client's first request for it). Lambda's Runtime API runs outside the function and costs it nothing.
     */
    static void warmUp() {
        DateTimeFormatter.ofPattern(DATE_HEADER, Locale.US).withZone(ZoneId.of("GMT")).format(Instant.now());
    }

    long deadlineMillis() {
        return deadlineMillis;
    }

    CompletableFuture<Result> result() {
        return result;
    }

    long servedAtMillis() {
        return servedAtMillis;
    }

    String requestId() {
        return requestId;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath().substring(BASE.length());
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (System.getenv("CHARD_INVOKE_DEBUG") != null) {
            System.err.println("runtime api: " + exchange.getRequestMethod() + " " + path);
        }
        if (path.equals("invocation/next")) {
            if (!next()) {
                waitForever();
            }
            exchange.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", requestId);
            exchange.getResponseHeaders().add("Lambda-Runtime-Deadline-Ms", Long.toString(deadlineMillis));
            exchange.getResponseHeaders().add("Lambda-Runtime-Invoked-Function-Arn",
                    "arn:aws:lambda:us-east-1:000000000000:function:chard-local");
            exchange.getResponseHeaders().add("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000");
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            reply(exchange, 200, event);
        } else if (path.equals("invocation/" + requestId + "/response")) {
            reply(exchange, 202, "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8));
            result.complete(new Result(true, body));
        } else if (path.equals("invocation/" + requestId + "/error") || path.equals("init/error")) {
            reply(exchange, 202, "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8));
            result.complete(new Result(false, body));
        } else {
            reply(exchange, 404, ("{\"errorMessage\":\"unknown path " + path + "\"}").getBytes(StandardCharsets.UTF_8));
        }
    }

    private synchronized boolean next() {
        if (served) {
            return false;
        }
        served = true;
        servedAtMillis = System.currentTimeMillis();
        return true;
    }

    private void waitForever() {
        try {
            never.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
