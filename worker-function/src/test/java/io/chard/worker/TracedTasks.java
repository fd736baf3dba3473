package io.chard.worker;

import io.chard.client.TaskClient;
import io.chard.task.Task;
import io.chard.task.TaskContext;
import io.chard.trace.TraceParent;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/** Tasks that report the trace and log context they ran under. */
@Singleton
public class TracedTasks {
    static final Logger LOG = LoggerFactory.getLogger(TracedTasks.class);
    private final Provider<TaskClient> tasks;

    TracedTasks(Provider<TaskClient> tasks) {
        this.tasks = tasks;
    }

    @Task("w.traced_parent")
    public Map<String, String> parent(TaskContext context) {
        LOG.info("parent running");
        String child = tasks.get().dispatch("w.traced_child").id().toString();
        return Map.of("trace", context.trace().map(TraceParent::traceId).orElse("none"), "child", child);
    }

    @Task("w.traced_child")
    public void child() {
        LOG.info("child running");
    }
}
