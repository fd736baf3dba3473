package io.chard.admin.trace;

import io.chard.trace.TraceParent;
import io.chard.trace.Tracing;
import io.micronaut.core.propagation.MutablePropagatedContext;
import io.micronaut.core.propagation.ThreadPropagatedContextElement;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;

/**
 * Makes a request's W3C {@code traceparent} header the current trace of whichever thread runs its controller, so
 * a dispatch over HTTP carries the caller's trace into the envelope. A malformed header is ignored (W3C: restart
 * the trace), never refused.
 */
@ServerFilter("/api/**")
final class TraceHeaderFilter {

    @RequestFilter
    void capture(HttpRequest<?> request, MutablePropagatedContext context) {
        TraceParent.parse(request.getHeaders().get(Tracing.TRACEPARENT))
                .ifPresent(trace -> context.add(new CurrentTrace(trace)));
    }

    /** Opens the trace on the thread the request continues on, and closes it when the thread is handed back. */
    private record CurrentTrace(TraceParent trace) implements ThreadPropagatedContextElement<Tracing.Scope> {
        @Override
        public Tracing.Scope updateThreadContext() {
            return Tracing.open(trace);
        }

        @Override
        public void restoreThreadContext(Tracing.Scope scope) {
            scope.close();
        }
    }
}
