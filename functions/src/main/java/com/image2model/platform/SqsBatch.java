package com.image2model.platform;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;

/**
 * An SQS-triggered invocation, message by message: each message is handled on its own and a
 * failure is reported for it alone (partial batch response), so one bad message never redelivers
 * the others. With too little of the invocation left, the remaining messages go back to SQS
 * untouched rather than be cut off half-way.
 *
 * <p>The event is read as plain JSON: Spring Cloud Function's converter does not map the SQS
 * event's capitalised "Records" onto {@code SQSEvent} without AWS's serialization library, which
 * the jar does without.
 */
public final class SqsBatch {

    private static final Logger LOG = LoggerFactory.getLogger(SqsBatch.class);

    /** One message: its id, its body, and how often SQS has delivered it. */
    public record Message(String id, String body, int receiveCount) {
    }

    private SqsBatch() {
    }

    /** The event's messages; anything that is not a record is skipped. */
    public static List<Message> messages(Map<String, Object> event) {
        List<Message> messages = new ArrayList<>();
        Object records = event == null ? null : event.get("Records");
        if (records instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> record) {
                    Map<String, String> attributes = new HashMap<>();
                    if (record.get("attributes") instanceof Map<?, ?> values) {
                        values.forEach((k, v) -> attributes.put(String.valueOf(k), String.valueOf(v)));
                    }
                    messages.add(new Message(String.valueOf(record.get("messageId")),
                            record.get("body") == null ? null : String.valueOf(record.get("body")), receiveCount(attributes)));
                }
            }
        }
        return messages;
    }

    /** Handles every message, whatever time is left (work that stops safely anywhere). */
    public static SQSBatchResponse process(Map<String, Object> event, Consumer<Message> handler) {
        return process(event, Long.MIN_VALUE, handler);
    }

    /** Handles every message, starting one only while {@code leaveWhenLessMillis} of the invocation remain. */
    public static SQSBatchResponse process(Map<String, Object> event, long leaveWhenLessMillis, Consumer<Message> handler) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        List<Message> messages = messages(event);
        for (int i = 0; i < messages.size(); i++) {
            Message message = messages.get(i);
            if (InvocationDeadline.remainingMillis() < leaveWhenLessMillis) {
                LOG.warn("No time left in this invocation: {} of {} messages are left for SQS to deliver again", messages.size() - i, messages.size());
                for (int j = i; j < messages.size(); j++) {
                    failures.add(failure(messages.get(j)));
                }
                break;
            }
            try {
                handler.accept(message);
            } catch (RuntimeException e) {
                LOG.warn("Message {} will be retried: {}", message.id(), e.getMessage());
                failures.add(failure(message));
            }
        }
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }

    private static SQSBatchResponse.BatchItemFailure failure(Message message) {
        return SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(message.id()).build();
    }

    private static int receiveCount(Map<String, String> attributes) {
        try {
            return Integer.parseInt(attributes.getOrDefault("ApproximateReceiveCount", "1"));
        } catch (RuntimeException e) {
            return 1;
        }
    }
}
