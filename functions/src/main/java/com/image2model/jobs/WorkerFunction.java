package com.image2model.jobs;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The SQS worker: each message is an S3 ObjectCreated notification for an upload. Failures are
 * reported per message (partial batch response), so one bad message never redelivers the others.
 *
 * <p>The event is read as plain JSON: Spring Cloud Function's converter does not map the SQS
 * event's capitalised "Records" onto {@code SQSEvent} without AWS's serialization library, which
 * the jar does without.
 */
public final class WorkerFunction implements Function<Map<String, Object>, SQSBatchResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerFunction.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A message is started only with this much of the invocation left: one short FAL attempt and the reserve after it. */
    static final long LEAVE_WHEN_LESS_MILLIS = com.image2model.fal.FalClient.RESERVE_MILLIS + 2_000;

    private final Pipeline pipeline;

    public WorkerFunction(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public SQSBatchResponse apply(Map<String, Object> event) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        List<SQSEvent.SQSMessage> messages = messages(event);
        for (int i = 0; i < messages.size(); i++) {
            SQSEvent.SQSMessage message = messages.get(i);
            if (com.image2model.platform.InvocationDeadline.remainingMillis() < LEAVE_WHEN_LESS_MILLIS) {
                // Too little time for another FAL call: the rest go back to SQS untouched rather than be cut off.
                LOG.warn("No time left in this invocation: {} of {} messages are left for SQS to deliver again", messages.size() - i, messages.size());
                for (int j = i; j < messages.size(); j++) {
                    failures.add(SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(messages.get(j).getMessageId()).build());
                }
                break;
            }
            try {
                handle(message);
            } catch (RuntimeException e) {
                LOG.warn("Message {} will be retried: {}", message.getMessageId(), e.getMessage());
                failures.add(SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(message.getMessageId()).build());
            }
        }
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }

    private void handle(SQSEvent.SQSMessage message) {
        JsonNode body;
        try {
            body = JSON.readTree(message.getBody());
        } catch (RuntimeException e) {
            // Not an S3 notification: retrying cannot help; it is logged and dropped.
            LOG.error("Message {} is not JSON; dropped", message.getMessageId());
            return;
        }
        if ("s3:TestEvent".equals(body.path("Event").asString(""))) {
            return;
        }
        int receiveCount = receiveCount(message);
        for (JsonNode record : body.path("Records")) {
            if (!record.path("eventName").asString("").startsWith("ObjectCreated:")) {
                continue;
            }
            String bucket = record.path("s3").path("bucket").path("name").asString("");
            // S3 sends keys URL-encoded, spaces as '+'.
            String key = URLDecoder.decode(record.path("s3").path("object").path("key").asString(""), StandardCharsets.UTF_8);
            Pipeline.Outcome outcome = pipeline.uploaded(bucket, key, receiveCount);
            LOG.info("{} -> {}", key, outcome);
        }
    }

    @SuppressWarnings("unchecked")
    static List<SQSEvent.SQSMessage> messages(Map<String, Object> event) {
        List<SQSEvent.SQSMessage> messages = new ArrayList<>();
        Object records = event == null ? null : event.get("Records");
        if (records instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> record) {
                    SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
                    message.setMessageId(String.valueOf(record.get("messageId")));
                    message.setBody(record.get("body") == null ? null : String.valueOf(record.get("body")));
                    Map<String, String> attributes = new java.util.HashMap<>();
                    if (record.get("attributes") instanceof Map<?, ?> values) {
                        values.forEach((k, v) -> attributes.put(String.valueOf(k), String.valueOf(v)));
                    }
                    message.setAttributes(attributes);
                    messages.add(message);
                }
            }
        }
        return messages;
    }

    private static int receiveCount(SQSEvent.SQSMessage message) {
        try {
            return Integer.parseInt(message.getAttributes().getOrDefault("ApproximateReceiveCount", "1"));
        } catch (RuntimeException e) {
            return 1;
        }
    }
}
