package io.chard.test;

import io.chard.client.TaskClient;
import io.chard.task.Task;
import io.chard.task.TaskContext;
import io.chard.task.Unique;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

@Singleton
class InlineTasks {
    final AtomicInteger flakyRuns = new AtomicInteger();
    private final Provider<TaskClient> tasks;

    InlineTasks(Provider<TaskClient> tasks) {
        this.tasks = tasks;
    }

    @Task("inline.add")
    int add(int a, int b) {
        return a + b;
    }

    @Task(value = "inline.flaky", autoretryFor = IllegalStateException.class, maxRetries = 2)
    int flaky(int failures, TaskContext context) {
        flakyRuns.incrementAndGet();
        if (context.attempt() <= failures) {
            throw new IllegalStateException("attempt " + context.attempt());
        }
        return context.attempt();
    }

    @Task(value = "inline.unique_pending", unique = Unique.WHILE_PENDING)
    int uniquePending(int a) {
        return a;
    }

    @Task(value = "inline.unique_period", unique = Unique.FOR_PERIOD, uniqueFor = 60)
    int uniquePeriod(int a) {
        return a;
    }

    @Task("inline.parent")
    String parent(int a) {
        return tasks.get().dispatch("inline.add", a, a).id().toString();
    }

    @Task("inline.echo")
    String echo(String text) {
        return text;
    }

    @Task("inline.big")
    String big(int length) {
        return "x".repeat(length);
    }

    @Task(value = "inline.always_retry", maxRetries = 2)
    int alwaysRetry(TaskContext context) {
        throw context.retry(Duration.ofSeconds(1));
    }

    /** Not a serialisable result: Micronaut Serde knows no such type. */
    static final class Opaque {
        final int value = 1;
    }

    final AtomicInteger opaqueRuns = new AtomicInteger();

    @Task(value = "inline.opaque", autoretryFor = IOException.class, maxRetries = 3)
    Opaque opaque() {
        opaqueRuns.incrementAndGet();
        return new Opaque();
    }

    /** What ran, in order, with the instant the test clock showed. */
    final List<String> ran = new CopyOnWriteArrayList<>();

    @Task("inline.note")
    String note(String what) {
        ran.add(what);
        return what;
    }

    /** Runs, then again {@code every} seconds later while {@code left} is above zero (a polling task). */
    @Task("inline.poll")
    int poll(int left, int every) {
        ran.add("poll " + left);
        if (left > 0) {
            TaskClient client = tasks.get();
            client.dispatch(io.chard.client.DispatchRequest.of("inline.poll", client.toJson(List.of(left - 1, every)))
                    .withCountdown(Duration.ofSeconds(every)));
        }
        return left;
    }
}
