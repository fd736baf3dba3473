package io.chard.broker;

/** An outcome reported under a lease. */
public record Settlement(LeaseRef lease, Outcome outcome) {
}
