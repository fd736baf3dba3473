package io.chard.admin;

import io.chard.admin.testing.SharedAdminApi;
import io.chard.admin.testing.ApiClient.Answer;
import io.chard.database.Jdbc;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

import static io.chard.admin.TaskApiTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The list's search over history rows written straight into the table. From a review of the read side. */
class ExecutionSearchTest extends SharedAdminApi {
    static final String EXECUTIONS = "/api/background_tasks/admin/executions";
    /** "null" read as JSON was Java's null, and the search answered 500 (kwargs are an object: a clear 422). */
    @Test
    void aSearchForJsonsNullFindsTheRowsThatHoldIt() {
        String task = "search.null." + UUID.randomUUID();
        row(task, "[null, 1]", "null", null);
        row(task, "[2]", "3", null);
        assertEquals(1, total(search("task_name=" + task + "&args=null")));
        assertEquals(1, total(search("task_name=" + task + "&result=null")));
        assertError(search("kwargs=null"), 422, "invalid_parameter");
        Answer bulk = server.operator.post(EXECUTIONS + "/bulk-retry", "{\"result\":\"null\",\"dry_run\":true}");
        assertEquals(200, bulk.status(), bulk.body());
    }

    /** Read here, a decimal became a double, and 0.30000000000000000001 matched nothing. */
    @Test
    void anArgumentSearchKeepsEveryDigitOfADecimal() {
        String task = "search.decimal." + UUID.randomUUID();
        row(task, "[0.30000000000000000001, 12345678901234567.5]", null, null);
        assertEquals(1, total(search("task_name=" + task + "&args=0.30000000000000000001")));
        assertEquals(1, total(search("task_name=" + task + "&args=" + encode("[12345678901234567.5]"))));
        assertEquals(0, total(search("task_name=" + task + "&args=0.3")));
    }

    /** Read up to its first value, "2 apples" was JSON, and PostgreSQL refused it: it is text to find. */
    @Test
    void aSearchedTextThatOnlyBeginsWithJsonIsSearchedAsAString() {
        String task = "search.text." + UUID.randomUUID();
        row(task, "[\"2 apples\", \"[1] x\"]", null, null);
        assertEquals(1, total(search("task_name=" + task + "&args=" + encode("2 apples"))));
        assertEquals(1, total(search("task_name=" + task + "&args=" + encode("[1] x"))));
        assertEquals(1, total(search("task_name=" + task + "&args=" + encode("[\"2 apples\"]"))));
    }

    /** The trace index exists so that a trace leads to its executions; the parameter was ignored. */
    @Test
    void theListFindsTheExecutionsOfATrace() {
        String task = "search.trace." + UUID.randomUUID();
        String trace = UUID.randomUUID().toString().replace("-", "");
        UUID traced = row(task, "[]", null, trace);
        row(task, "[]", null, "f".repeat(32));
        Answer found = search("task_name=" + task + "&trace_id=" + trace);
        assertEquals(1, total(found), found.body());
        assertEquals(traced.toString(), found.json().get("items").get(0).get("id").getStringValue());
        assertError(search("trace_id=not-a-trace"), 422, "invalid_parameter");
    }

    /**
     * PostgreSQL's text search parses a query in time growing with the square of its words: a long one ran on past
     * the request's 10 s and was answered as a database outage (503), inviting a retry.
     */
    @Test
    void anErrorSearchTooLongToParseIsRefusedNotReportedAsADatabaseOutage() {
        Answer answer = server.operator.post(EXECUTIONS + "/bulk-retry",
                "{\"error\":\"" + "ab ".repeat(400_000) + "\",\"dry_run\":true}");
        assertError(answer, 422, "invalid_parameter");
        assertEquals(200, search("error=" + encode("ab ".repeat(300))).status());
    }

    /** The 'simple' parser kept a dotted class name as one word: a class name without its package found nothing. */
    @Test
    void theErrorSearchFindsAJvmExceptionByItsClassNameInFullOrNotAndAMessagesDottedWord() {
        String task = "search.error." + UUID.randomUUID();
        row(task, "[]", null, null, "java.lang.IllegalStateException", "the gear slipped in file.txt");
        row(task, "[]", null, null, "java.io.IOException", "disk full");
        for (String words : new String[]{"IllegalStateException", "java.lang.IllegalStateException", "file.txt",
                "slipped illegalstateexception"}) {
            assertEquals(1, total(search("task_name=" + task + "&error=" + encode(words))), words);
        }
        assertEquals(2, total(search("task_name=" + task + "&error=java")));
        assertEquals(0, total(search("task_name=" + task + "&error=" + encode("slipped IOException"))));
    }

    private static Answer search(String query) {
        return server.viewer.get(EXECUTIONS + "?" + query);
    }

    private static long total(Answer answer) {
        assertEquals(200, answer.status(), answer.body());
        return answer.json().get("total").getLongValue();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static UUID row(String task, String args, String result, String traceId) {
        return row(task, args, result, traceId, null, null);
    }

    private static UUID row(String task, String args, String result, String traceId, String exceptionType,
                            String message) {
        UUID id = UUID.randomUUID();
        server.context.getBean(Jdbc.class).update("INSERT INTO background_tasks_task_execution (id, task_id, "
                        + "task_name, status, queue, args, args_text, result, trace_id, exception_type, "
                        + "exception_message, queued_at) VALUES (?, ?, ?, 'success', 'default', ?::jsonb, ?, ?::jsonb, "
                        + "?, ?, ?, ?)", id, id.toString(), task, args, args, result, traceId, exceptionType, message,
                Timestamp.from(Instant.now()));
        return id;
    }
}
