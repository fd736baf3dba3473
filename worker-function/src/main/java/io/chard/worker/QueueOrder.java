package io.chard.worker;

import io.chard.client.TaskClient;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The order a worker serves its queues in, from {@code chard.worker.queues}: names alone (strict: an earlier
 * queue is always emptied first) or every name with a weight, {@code critical:6,default:2,low:1} (weighted: each
 * lease call orders the queues by a weighted random draw, as Sidekiq does, so a busy first queue cannot starve
 * the others; critical comes first in 6 calls of 9; a lease of several slots shares them by weight, see
 * {@link Weighted#quotas}).
 */
sealed interface QueueOrder {
    /** A weight above this is a typo more likely than a wish (the draw needs no more resolution). */
    int MAX_WEIGHT = 1_000;

    /** The queues in their configured order. */
    List<String> names();

    /** The order for one lease call. */
    List<String> next(RandomGenerator random);

    record Strict(List<String> names) implements QueueOrder {
        public Strict {
            names = List.copyOf(names);
        }

        @Override
        public List<String> next(RandomGenerator random) {
            return names;
        }
    }

    record Weighted(List<String> names, List<Integer> weights) implements QueueOrder {
        public Weighted {
            names = List.copyOf(names);
            weights = List.copyOf(weights);
        }

        /** Draws without replacement, each remaining queue with a chance in proportion to its weight. */
        @Override
        public List<String> next(RandomGenerator random) {
            List<String> left = new ArrayList<>(names);
            List<Integer> leftWeights = new ArrayList<>(weights);
            int total = leftWeights.stream().mapToInt(Integer::intValue).sum();
            List<String> order = new ArrayList<>(names.size());
            while (!left.isEmpty()) {
                int draw = random.nextInt(total);
                int i = 0;
                while (draw >= leftWeights.get(i)) {
                    draw -= leftWeights.get(i++);
                }
                order.add(left.remove(i));
                total -= leftWeights.remove(i);
            }
            return order;
        }

        /**
         * One weighted draw per slot of a lease call, with replacement: how many of {@code slots} each queue is
         * offered first (with 1:1 weights and 64 slots, about 32 each), so a batch is shared by weight instead of
         * going whole to the queue drawn first.
         */
        public Map<String, Integer> quotas(int slots, RandomGenerator random) {
            int total = weights.stream().mapToInt(Integer::intValue).sum();
            Map<String, Integer> quotas = new HashMap<>();
            for (int slot = 0; slot < slots; slot++) {
                int draw = random.nextInt(total);
                int i = 0;
                while (draw >= weights.get(i)) {
                    draw -= weights.get(i++);
                }
                quotas.merge(names.get(i), 1, Integer::sum);
            }
            return quotas;
        }
    }

    /**
     * @throws IllegalArgumentException naming the entry at fault: an invalid queue name, a weight that is not a
     *                                  whole number from 1 to {@link #MAX_WEIGHT}, a queue named twice, or
     *                                  weights on some queues only
     */
    static QueueOrder parse(List<String> entries) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("chard.worker.queues names no queue");
        }
        List<String> names = new ArrayList<>(entries.size());
        List<Integer> weights = new ArrayList<>(entries.size());
        Set<String> seen = new HashSet<>();
        for (String raw : entries) {
            String entry = raw.strip();
            int colon = entry.lastIndexOf(':');
            String name = colon < 0 ? entry : entry.substring(0, colon);
            if (!TaskClient.validQueueName(name)) {
                throw new IllegalArgumentException("chard.worker.queues: '" + entry + "' does not start with a queue"
                        + " name (1-100 letters, digits, '_', '-' or '.')");
            }
            if (!seen.add(name)) {
                throw new IllegalArgumentException("chard.worker.queues names '" + name + "' twice");
            }
            names.add(name);
            if (colon >= 0) {
                weights.add(weight(entry, entry.substring(colon + 1)));
            }
        }
        if (weights.isEmpty()) {
            return new Strict(names);
        }
        if (weights.size() != names.size()) {
            throw new IllegalArgumentException("chard.worker.queues " + entries + ": give every queue a weight"
                    + " (weighted) or none (strict order)");
        }
        return new Weighted(names, weights);
    }

    private static int weight(String entry, String text) {
        try {
            int weight = Integer.parseInt(text);
            if (weight >= 1 && weight <= MAX_WEIGHT) {
                return weight;
            }
        } catch (NumberFormatException e) {
            // answered below, with the entry
        }
        throw new IllegalArgumentException("chard.worker.queues: the weight in '" + entry + "' must be a whole"
                + " number from 1 to " + MAX_WEIGHT);
    }
}
