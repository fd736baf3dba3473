package io.chard.test;

import io.chard.client.TaskClient;
import io.chard.task.Task;
import io.chard.task.TaskContext;
import io.chard.task.Unique;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;

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
}
