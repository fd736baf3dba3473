package io.chard.worker;

import io.chard.broker.Broker;
import io.chard.config.ChardConfig;
import io.chard.trigger.ReadyTrigger;
import io.chard.worker.metrics.WorkerMetrics;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

import java.time.Clock;

@Factory
class WorkerFactory {
    @Singleton
    @Bean(preDestroy = "stop")
    Worker worker(Workers workers) {
        return workers.newWorker();
    }

    @Singleton
    Workers workers(Broker broker, WorkerConfig config, ChardConfig chard, TaskInvoker invoker, JsonMapper json,
                    Clock clock, ReadyTrigger trigger, WorkerMetrics metrics) {
        return () -> new Worker(broker, config, chard, invoker, json, clock, trigger, metrics);
    }
}
