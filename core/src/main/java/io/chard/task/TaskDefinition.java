package io.chard.task;

import io.micronaut.inject.BeanDefinition;
import io.micronaut.inject.ExecutableMethod;

/** One discovered task: its name, options, and the bean method that runs it. */
public record TaskDefinition(String name, TaskOptions options, BeanDefinition<?> bean, ExecutableMethod<?, ?> method) {
}
