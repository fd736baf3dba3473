package io.chard.task;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Task declarations the core tests bind and dispatch against (never run here: core has no worker). */
@Singleton
public class CoreTestTasks {

    @Task("test.add")
    public long add(long a, long b) {
        return a + b;
    }

    @Task(value = "test.greet", queue = "mail", priority = 7)
    public String greet(String name, @Nullable String greeting, Optional<Integer> times, TaskContext context) {
        return greeting + name + times;
    }

    @Task("test.collect")
    public int collect(List<String> names, Map<String, Integer> scores) {
        return names.size() + scores.size();
    }

    @Task("test.echo")
    public JsonNode echo(String first, @AllArgs JsonNode rest, @AllKwargs JsonNode named) {
        return rest;
    }

    @Task("test.fail")
    public void fail(String message) {
        throw new IllegalStateException(message);
    }

    @Task(value = "test.retried_once", maxRetries = 1)
    public void retriedOnce() {
    }

    /** Fails until an outside condition holds, then returns its value (the tests' worker decides which). */
    @Task("test.fail_until")
    public long failUntil(long value) {
        return value;
    }

    @Task("test.sum")
    public long sum(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).sum();
    }

    @Task(value = "test.slow", timeLimit = 600)
    public void slow() {
    }

    @Task(value = "test.short_lived", expires = 0.2)
    public void shortLived() {
    }

    @Task(value = "test.unique_pending", unique = Unique.WHILE_PENDING)
    public long uniquePending(long n) {
        return n;
    }

    @Task(value = "test.unique_running", unique = Unique.WHILE_RUNNING)
    public long uniqueRunning(long n) {
        return n;
    }

    @Task(value = "test.unique_period", unique = Unique.FOR_PERIOD, uniqueFor = 1)
    public long uniquePeriod(long n) {
        return n;
    }

    /** Unique per order while it runs, whatever the note says. */
    @Task(value = "test.unique_order", unique = Unique.WHILE_RUNNING, uniqueKey = "orderId")
    public String uniqueOrder(String orderId, @Nullable String note) {
        return orderId;
    }

    /** As test.unique_running, but not started after 0.2 s. */
    @Task(value = "test.unique_short_lived", unique = Unique.WHILE_RUNNING, expires = 0.2)
    public void uniqueShortLived() {
    }

    /** As test.unique_running, but the lock lapses after 0.3 s even while the execution runs. */
    @Task(value = "test.unique_capped", unique = Unique.WHILE_RUNNING, uniqueFor = 0.3)
    public long uniqueCapped(long n) {
        return n;
    }

    @Task(value = "test.rated", rateLimit = "3/s")
    public void rated() {
    }

    @Task(value = "test.capped", concurrency = 2)
    public void capped() {
    }

    /** Unique per order while it runs, one at a time per customer: the lock and the limit on two arguments. */
    @Task(value = "test.unique_order_per_customer", unique = Unique.WHILE_RUNNING, uniqueKey = "order",
            concurrency = 1, limitKey = "customer")
    public void uniqueOrderPerCustomer(String customer, String order) {
    }

    /** One at a time per account, the account an object (its id and region): a per-key limit on a JSON object. */
    @Task(value = "test.per_account", concurrency = 1, limitKey = "account")
    public void perAccount(java.util.Map<String, Object> account, int order) {
    }

    /** One at a time per tenant, the tenant a number: a per-key limit on a numeric argument. */
    @Task(value = "test.per_tenant", concurrency = 1, limitKey = "tenant")
    public void perTenant(long tenant, int order) {
    }

    /**
     * An error callback limited per customer: the failed execution's id and its error come first, the customer is
     * the third argument (the callback's own, given in its signature).
     */
    @Task(value = "test.errback_per_customer", concurrency = 1, limitKey = "customer")
    public void errbackPerCustomer(String failed, java.util.Map<String, Object> error, String customer) {
    }

    /** One at a time per customer, any number of customers at once. */
    @Task(value = "test.per_customer", concurrency = 1, limitKey = "customer")
    public void perCustomer(String customer, int order) {
    }

    /** A password the admin views must not show. */
    @Task(value = "test.sign_in", redact = "password")
    public void signIn(String user, String password) {
    }
}
