package io.chard.trace;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TraceParentTest {
    private static final String HEADER = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void aW3cHeaderIsReadAndWrittenBackUnchanged() {
        TraceParent trace = TraceParent.parse(HEADER).orElseThrow();
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", trace.traceId());
        assertEquals(HEADER, trace.header());
    }

    @Test
    void malformedOrAllZeroHeadersAreIgnored() {
        for (String header : new String[] {null, "", "garbage", "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736a00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7a01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-011"}) {
            assertTrue(TraceParent.parse(header).isEmpty(), header);
        }
    }

    @Test
    void aChildKeepsTheTraceAndFlagsWithANewParent() {
        TraceParent trace = TraceParent.parse(HEADER).orElseThrow();
        TraceParent child = trace.child();
        assertEquals(trace.traceId(), child.traceId());
        assertEquals("01", child.flags());
        assertNotEquals(trace.parentId(), child.parentId());
        assertTrue(TraceParent.parse(child.header()).isPresent());
    }

    @Test
    void anEnvelopeCarriesTheCurrentTraceAsAChildAndANewOneWhenThereIsNone() {
        TraceParent trace = TraceParent.parse(HEADER).orElseThrow();
        try (Tracing.Scope scope = Tracing.open(trace)) {
            assertEquals(trace.traceId(), Tracing.of(Tracing.dispatchHeaders()).orElseThrow().traceId());
        }
        assertTrue(Tracing.current().isEmpty());
        assertNotEquals(trace.traceId(), Tracing.of(Tracing.dispatchHeaders()).orElseThrow().traceId());
    }

    @Test
    void newTraceIdsFollowTheClockAndStayRandomWithinAMillisecond() {
        TraceParent earlier = TraceParent.newTrace(1_764_000_000_000L);
        TraceParent later = TraceParent.newTrace(1_764_000_000_001L);
        assertEquals("019ab697e800", earlier.traceId().substring(0, 12));
        assertTrue(earlier.traceId().compareTo(later.traceId()) < 0);
        TraceParent sameMillisecond = TraceParent.newTrace(1_764_000_000_000L);
        assertNotEquals(earlier.traceId(), sameMillisecond.traceId());
        assertEquals(earlier.header(), TraceParent.parse(earlier.header()).orElseThrow().header());
    }
}
