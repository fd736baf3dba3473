package io.chard.loop;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A read of a dependency for a page, a probe or a scrape, answered within a bound whatever the dependency does. A
 * Redis or PostgreSQL that stops answering without closing the connection (a partition, a frozen host) holds a call
 * for the client's own timeout, 10 s, which outlives the asker's patience: a health probe fails for the wrong reason,
 * a scrape is lost whole, a dashboard hangs. Past the bound the asker gets its own "late" answer and the read goes
 * on, on a virtual thread, so that nothing it holds is torn down mid-call.
 *
 * <p>One read is in flight at a time: an ask during a slow read waits on that read instead of starting another, so
 * askers that poll (every live stream, every probe) cannot pile calls on a dependency that is not answering.
 */
public final class BoundedRead<T> {
    private final Duration bound;
    private final Supplier<T> read;
    private CompletableFuture<T> running;

    public BoundedRead(Duration bound, Supplier<T> read) {
        this.bound = bound;
        this.read = read;
    }

    /** Without blocking: completes with the read's result or failure, or with {@code late} once the bound passes. */
    public CompletableFuture<T> within(T late) {
        return current().copy().completeOnTimeout(late, bound.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Blocks up to the bound: the read's result, or {@code late} when it did not finish in time (or this thread was
     * interrupted, whose flag is kept). What the read threw is thrown here as it was.
     */
    public T await(T late) {
        try {
            return current().get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return late;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return late;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure : new CompletionException(e.getCause());
        }
    }

    private synchronized CompletableFuture<T> current() {
        if (running == null || running.isDone()) {
            running = CompletableFuture.supplyAsync(read, Thread::startVirtualThread);
        }
        return running;
    }
}
