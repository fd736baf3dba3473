package io.chard.worker;

import io.chard.config.ChardSettings;
import io.chard.config.LaunchProperties;
import io.chard.config.ProcessRunner;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The worker as a long-lived process (a container, or {@code ./chard worker}): runs until SIGTERM, then
 * stops gracefully. Usage: {@code WorkerMain [--queues a,b] [--concurrency N]}; Redis from {@code REDIS_URI}.
 */
public final class WorkerMain {
    private static final String USAGE = "usage: worker [--queues a,b] [--concurrency N]";

    public static void main(String[] args) throws InterruptedException {
        Map<String, Object> properties = LaunchProperties.broker(System.getenv());
        properties.put(ChardSettings.WORKER_ENABLED, true);
        List<String> words = options(args);
        for (int i = 0; i < words.size(); i += 2) {
            switch (words.get(i)) {
                case "--queues" -> properties.put(ChardSettings.WORKER_QUEUES, words.get(i + 1));
                case "--concurrency" -> properties.put(ChardSettings.WORKER_CONCURRENCY, words.get(i + 1));
                default -> throw new IllegalArgumentException("unknown option " + words.get(i) + "; " + USAGE);
            }
        }
        ProcessRunner.runUntilSignalled(properties);
    }

    /**
     * The options as name, value pairs; {@code --queues=a,b} as {@code --queues a,b}. An option without its value is
     * refused: read in pairs, a lone last one was never looked at, and the worker ran the default queue instead.
     */
    static List<String> options(String[] args) {
        List<String> words = new ArrayList<>();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                words.add(arg.substring(0, equals));
                words.add(arg.substring(equals + 1));
            } else {
                words.add(arg);
            }
        }
        if (words.size() % 2 != 0) {
            throw new IllegalArgumentException("'" + words.getLast() + "' has no value; " + USAGE);
        }
        return words;
    }
}
