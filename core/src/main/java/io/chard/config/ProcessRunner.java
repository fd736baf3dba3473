package io.chard.config;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.ApplicationContextBuilder;

import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** Runs a headless Chard process (a worker, a recorder) until SIGTERM or Ctrl-C, then closes it gracefully. */
public final class ProcessRunner {

    private ProcessRunner() {
    }

    public static void runUntilSignalled(Map<String, Object> properties) throws InterruptedException {
        ApplicationContextBuilder builder = ApplicationContext.builder().properties(properties)
                .deduceEnvironment(false);
        ApplicationContext context = builder.start();
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            context.close();
            closed.countDown();
        }, "chard-shutdown"));
        closed.await();
    }
}
