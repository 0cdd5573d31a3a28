package com.image2model.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** One bad message fails alone; with no time left, the rest go back to SQS untouched. */
class SqsBatchTest {

    private static Map<String, Object> record(String id, String body, String receiveCount) {
        return Map.of("messageId", id, "body", body, "attributes", Map.of("ApproximateReceiveCount", receiveCount));
    }

    private static List<String> failed(SQSBatchResponse response) {
        return response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).toList();
    }

    @Test
    void messagesAreReadWithTheirReceiveCount() {
        List<SqsBatch.Message> messages = SqsBatch.messages(Map.of("Records", List.of(record("m1", "a", "3"), "not a record",
                Map.of("messageId", "m2", "attributes", Map.of("ApproximateReceiveCount", "x")))));
        assertThat(messages).containsExactly(new SqsBatch.Message("m1", "a", 3), new SqsBatch.Message("m2", null, 1));
        assertThat(SqsBatch.messages(null)).isEmpty();
        assertThat(SqsBatch.messages(Map.of("Records", "nope"))).isEmpty();
    }

    @Test
    void aFailingMessageIsReportedAloneTheOthersAreHandled() {
        List<String> handled = new ArrayList<>();
        SQSBatchResponse response = SqsBatch.process(Map.of("Records", List.of(record("m1", "ok", "1"), record("m2", "bad", "1"),
                record("m3", "ok", "1"))), message -> {
                    if (message.body().equals("bad")) {
                        throw new IllegalStateException("boom");
                    }
                    handled.add(message.id());
                });
        assertThat(failed(response)).containsExactly("m2");
        assertThat(handled).containsExactly("m1", "m3");
    }

    @Test
    void withTooLittleTimeLeftTheRestGoBackUntouched() {
        List<String> handled = new ArrayList<>();
        SQSBatchResponse response = InvocationDeadline.within(1_000, () -> SqsBatch.process(Map.of("Records",
                List.of(record("m1", "a", "1"), record("m2", "b", "1"))), 5_000, message -> handled.add(message.id())));
        assertThat(handled).isEmpty();
        assertThat(failed(response)).containsExactly("m1", "m2");
    }
}
