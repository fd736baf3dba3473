package io.chard.worker;

/**
 * Makes workers with the context's broker, settings and tasks. The context's own {@link Worker} is the first;
 * a function restored from a snapshot makes a fresh one, with a new id, in place of the one it stopped before the
 * checkpoint (each restored copy is a worker of its own). A worker made here belongs to its caller, who stops it.
 */
@FunctionalInterface
public interface Workers {
    Worker newWorker();
}
