package io.chard.worker.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.chard.broker.Broker;
import io.chard.broker.BrokerUnavailableException;
import io.chard.loop.BoundedRead;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The scrape port of a worker or a beat: {@code GET /metrics} (Prometheus text) and {@code GET /health} (200 while
 * Redis answers within a second, else 503 naming why), served by the JDK's own HTTP server so neither carries a Netty HTTP server
 * (the worker's enforcer rule bans it). One virtual thread per request: a scrape is rare and short.
 */
public final class MetricsServer implements AutoCloseable {
    /** A probe's answer comes within this, whatever Redis does: its client would wait 10 s (see BoundedRead). */
    private static final Duration HEALTH_WITHIN = Duration.ofSeconds(1);
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private final HttpServer server;

    /** Binds {@code port} on every interface (0: a free port, for tests) and starts serving. */
    public MetricsServer(int port, Supplier<String> scrape, Broker broker) {
        try {
            server = HttpServer.create(new InetSocketAddress(port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("the metrics port " + port + " could not be bound", e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/metrics", exchange -> answer(exchange, 200, PROMETHEUS_TEXT, scrape.get()));
        BoundedRead<String> redisDown = new BoundedRead<>(HEALTH_WITHIN, () -> {
            try {
                broker.ping();
                return null;
            } catch (BrokerUnavailableException e) {
                return String.valueOf(e.getMessage());
            }
        });
        String late = "Redis did not answer within " + HEALTH_WITHIN.toMillis() + " ms";
        server.createContext("/health", exchange -> {
            String down = redisDown.await(late);
            if (down == null) {
                answer(exchange, 200, "application/json", "{\"status\":\"UP\"}");
            } else {
                answer(exchange, 503, "application/json", "{\"status\":\"DOWN\",\"redis\":" + quoted(down) + "}");
            }
        });
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static void answer(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String quoted(String text) {
        return "\"" + String.valueOf(text).replace("\\", "\\\\").replace("\"", "\\\"").replaceAll("[\\x00-\\x1f]", " ")
                + "\"";
    }
}
