package com.image2model.devstack.lambda;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.image2model.devstack.template.Intrinsics;
import com.image2model.devstack.template.SamTemplate;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Lambda's SQS event source mapping, as the template's {@code Type: SQS} events declare it: long
 * polls the queue, hands batches to the function as SQS events, deletes what succeeded and leaves
 * the rest to come back after the visibility timeout (with ReportBatchItemFailures, only the
 * messages the function names; without it, the whole batch when the function fails).
 *
 * <p>{@code retryDelaySeconds}, when set, shortens the wait before a failed message comes back
 * (tests), where Lambda would wait for the queue's visibility timeout.
 */
public final class SqsEventSources implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SqsEventSources.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One mapping: function, queue, batch size, partial batch responses. */
    public record Mapping(String functionId, String queueUrl, String queueArn, int batchSize, boolean reportsItemFailures) {
    }

    private final LocalFunctions functions;
    private final SqsClient sqs;
    private final List<Mapping> mappings;
    private final Integer retryDelaySeconds;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong inFlight = new AtomicLong();
    private volatile boolean paused;
    private final java.util.concurrent.atomic.AtomicInteger receiving = new java.util.concurrent.atomic.AtomicInteger();

    public SqsEventSources(LocalFunctions functions, SqsClient sqs, List<Mapping> mappings, Integer retryDelaySeconds) {
        this.functions = functions;
        this.sqs = sqs;
        this.mappings = mappings;
        this.retryDelaySeconds = retryDelaySeconds;
    }

    /** The mappings the template declares; queue ARNs are resolved to the emulator's URLs by {@code queueUrlOfArn}. */
    public static List<Mapping> fromTemplate(SamTemplate template, Intrinsics intrinsics, java.util.function.Function<String, String> queueUrlOfArn) {
        List<Mapping> mappings = new ArrayList<>();
        for (SamTemplate.FunctionDef function : template.functions()) {
            Object events = function.properties().get("Events");
            if (!(events instanceof Map<?, ?> eventMap)) {
                continue;
            }
            for (Object value : eventMap.values()) {
                if (!(value instanceof Map<?, ?> event) || !"SQS".equals(event.get("Type"))) {
                    continue;
                }
                Map<?, ?> properties = (Map<?, ?>) event.get("Properties");
                String arn = intrinsics.evaluateString(properties.get("Queue"));
                int batch = properties.get("BatchSize") == null ? 10 : Integer.parseInt(String.valueOf(properties.get("BatchSize")));
                Object types = properties.get("FunctionResponseTypes");
                boolean partial = types instanceof List<?> list && list.contains("ReportBatchItemFailures");
                mappings.add(new Mapping(function.logicalId(), queueUrlOfArn.apply(arn), arn, batch, partial));
            }
        }
        return mappings;
    }

    public SqsEventSources start() {
        for (Mapping mapping : mappings) {
            Thread thread = new Thread(() -> poll(mapping), "sqs-" + mapping.functionId());
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        return this;
    }

    public List<Mapping> mappings() {
        return mappings;
    }

    /** Batches handed to functions so far. */
    public long invocations() {
        return invocations.get();
    }


    /**
     * Stops taking messages, like disabling the event source mapping, once no poll is under way
     * (tests that read the queues themselves).
     */
    public void pause() {
        paused = true;
        while (receiving.get() > 0 || inFlight.get() > 0) {
            sleep(20);
        }
    }

    public void resume() {
        paused = false;
    }

    private void poll(Mapping mapping) {
        while (running.get()) {
            if (paused) {
                sleep(100);
                continue;
            }
            receiving.incrementAndGet();
            try {
                if (paused) {
                    continue;
                }
                List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(mapping.queueUrl()).maxNumberOfMessages(mapping.batchSize())
                        .waitTimeSeconds(1).messageSystemAttributeNames(MessageSystemAttributeName.ALL).messageAttributeNames("All")).messages();
                if (messages.isEmpty()) {
                    continue;
                }
                inFlight.incrementAndGet();
                try {
                    handle(mapping, messages);
                } finally {
                    inFlight.decrementAndGet();
                }
            } catch (RuntimeException e) {
                if (running.get()) {
                    LOG.warn("Polling {} for {} failed: {}", mapping.queueUrl(), mapping.functionId(), e.toString());
                    sleep(500);
                }
            } finally {
                receiving.decrementAndGet();
            }
        }
    }

    /**
     * The next {@code batches} invocations of {@code functionId} die after their work and before
     * answering (as a Lambda killed by a timeout or an out-of-memory does): SQS hears nothing and
     * delivers every message of the batch again after its visibility timeout. For chaos runs.
     */
    public void crashAfterWork(String functionId, int batches) {
        crashes.computeIfAbsent(functionId, id -> new java.util.concurrent.atomic.AtomicInteger()).set(batches);
    }

    private final Map<String, java.util.concurrent.atomic.AtomicInteger> crashes = new java.util.concurrent.ConcurrentHashMap<>();

    private void handle(Mapping mapping, List<Message> messages) {
        Set<String> failed = new HashSet<>();
        try {
            byte[] answer = functions.invoke(mapping.functionId(), JSON.writeValueAsBytes(event(mapping, messages)));
            invocations.incrementAndGet();
            java.util.concurrent.atomic.AtomicInteger crash = crashes.get(mapping.functionId());
            if (crash != null && crash.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                LOG.warn("{} crashed after its work (injected): its {} messages come back", mapping.functionId(), messages.size());
                if (retryDelaySeconds != null) {
                    // The visibility timeout, shortened like every retry of the devstack's.
                    messages.forEach(m -> sqs.changeMessageVisibility(r -> r.queueUrl(mapping.queueUrl()).receiptHandle(m.receiptHandle())
                            .visibilityTimeout(retryDelaySeconds)));
                }
                return;
            }
            if (mapping.reportsItemFailures() && answer.length > 0) {
                JsonNode response = JSON.readTree(answer);
                for (JsonNode failure : response.path("batchItemFailures")) {
                    failed.add(failure.path("itemIdentifier").asText());
                }
            }
        } catch (Exception e) {
            LOG.warn("{} failed on a batch of {}: {}", mapping.functionId(), messages.size(), e.toString());
            messages.forEach(m -> failed.add(m.messageId()));
        }
        for (Message message : messages) {
            if (failed.contains(message.messageId())) {
                if (retryDelaySeconds != null) {
                    sqs.changeMessageVisibility(r -> r.queueUrl(mapping.queueUrl()).receiptHandle(message.receiptHandle())
                            .visibilityTimeout(retryDelaySeconds));
                }
            } else {
                sqs.deleteMessage(r -> r.queueUrl(mapping.queueUrl()).receiptHandle(message.receiptHandle()));
            }
        }
    }

    private static Map<String, Object> event(Mapping mapping, List<Message> messages) {
        List<Map<String, Object>> records = new ArrayList<>();
        for (Message message : messages) {
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("messageId", message.messageId());
            record.put("receiptHandle", message.receiptHandle());
            record.put("body", message.body());
            Map<String, String> attributes = new LinkedHashMap<>();
            message.attributes().forEach((name, value) -> attributes.put(name.toString(), value));
            record.put("attributes", attributes);
            Map<String, Object> messageAttributes = new LinkedHashMap<>();
            message.messageAttributes().forEach((name, value) -> messageAttributes.put(name,
                    Map.of("stringValue", String.valueOf(value.stringValue()), "dataType", value.dataType())));
            record.put("messageAttributes", messageAttributes);
            record.put("md5OfBody", message.md5OfBody());
            record.put("eventSource", "aws:sqs");
            record.put("eventSourceARN", mapping.queueArn());
            record.put("awsRegion", "us-east-1");
            records.add(record);
        }
        return Map.of("Records", records);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running.set(false);
        for (Thread thread : threads) {
            try {
                thread.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
