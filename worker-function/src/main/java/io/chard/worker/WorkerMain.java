package io.chard.worker;

import io.chard.config.ChardSettings;
import io.chard.config.LaunchProperties;
import io.chard.config.ProcessRunner;

import java.util.Map;

/**
 * The worker as a long-lived process (a container, or {@code ./chard worker}): runs until SIGTERM, then
 * stops gracefully. Usage: {@code WorkerMain [--queues a,b] [--concurrency N]}; Redis from {@code REDIS_URI}.
 */
public final class WorkerMain {

    public static void main(String[] args) throws InterruptedException {
        Map<String, Object> properties = LaunchProperties.broker(System.getenv());
        properties.put(ChardSettings.WORKER_ENABLED, true);
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--queues" -> properties.put(ChardSettings.WORKER_QUEUES, args[i + 1]);
                case "--concurrency" -> properties.put(ChardSettings.WORKER_CONCURRENCY, args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; usage: worker [--queues a,b] [--concurrency N]");
            }
        }
        ProcessRunner.runUntilSignalled(properties);
    }
}
