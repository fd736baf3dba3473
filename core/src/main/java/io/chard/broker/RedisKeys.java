package io.chard.broker;

/**
 * Key names outside the scripts (the scripts build the same names from the prefix in their prelude).
 * Every key shares the hash tag {namespace}, so all scripts run on one Redis Cluster slot.
 */
public record RedisKeys(String prefix) {

    public static RedisKeys of(String namespace) {
        return new RedisKeys("{" + namespace + "}:");
    }

    public String task(Object id) {
        return prefix + "t:" + id;
    }

    public String queue(String queue, String part) {
        return prefix + "q:" + queue + ":" + part;
    }

    public String wake(String queue) {
        return queue(queue, "wake");
    }

    public String queues() {
        return prefix + "queues";
    }

    public String events() {
        return prefix + "events";
    }

    public String workers() {
        return prefix + "workers";
    }

    public String worker(String id) {
        return prefix + "w:" + id;
    }
}
