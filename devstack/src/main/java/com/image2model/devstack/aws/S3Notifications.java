package com.image2model.devstack.aws;

import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * S3's event notifications for the local S3 server: after an object is created (put, copy or a
 * completed multipart upload), sends the S3 event JSON, exactly as S3 shapes it, to every queue
 * whose rule matches the bucket, event and key.
 */
public final class S3Notifications extends ForwardingBlobStore {

    private static final Logger LOG = Logger.getLogger(S3Notifications.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A QueueConfiguration of a bucket: event pattern (e.g. s3:ObjectCreated:*), key filter, target queue. */
    public record QueueRule(String id, String event, String prefix, String suffix, String queueUrl, String queueArn) {
        boolean matches(String eventName, String key) {
            String wanted = event.startsWith("s3:") ? event.substring(3) : event;
            boolean eventMatches = wanted.endsWith(":*")
                    ? eventName.startsWith(wanted.substring(0, wanted.length() - 1))
                    : wanted.equals(eventName);
            return eventMatches && key.startsWith(prefix == null ? "" : prefix)
                    && key.endsWith(suffix == null ? "" : suffix);
        }
    }

    private final Map<String, List<QueueRule>> rulesByBucket = new ConcurrentHashMap<>();
    private final SqsClient sqs;
    private final ExecutorService sender;
    private final AtomicLong sequencer = new AtomicLong(System.currentTimeMillis() * 1000);
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    S3Notifications(BlobStore delegate, SqsClient sqs, ExecutorService sender) {
        super(delegate);
        this.sqs = sqs;
        this.sender = sender;
    }

    public void addRule(String bucket, QueueRule rule) {
        rulesByBucket.computeIfAbsent(bucket, b -> new CopyOnWriteArrayList<>()).add(rule);
    }

    public List<QueueRule> rules(String bucket) {
        return List.copyOf(rulesByBucket.getOrDefault(bucket, List.of()));
    }

    /** Events sent so far, and sends that failed (a test reads these to know nothing was lost). */
    public long sentCount() {
        return sent.get();
    }

    public long failedCount() {
        return failed.get();
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream input) {
        PutObjectResponse response = super.putBlob(request, input);
        notifyCreated("ObjectCreated:Put", request.bucket(), request.key(), response.eTag(), request.contentLength());
        return response;
    }

    @Override
    public CopyObjectResponse copyBlob(CopyObjectRequest request) {
        CopyObjectResponse response = super.copyBlob(request);
        String eTag = response.copyObjectResult() == null ? null : response.copyObjectResult().eTag();
        notifyCreated("ObjectCreated:Copy", request.destinationBucket(), request.destinationKey(), eTag, null);
        return response;
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload upload, CompleteMultipartUploadRequest request) {
        CompleteMultipartUploadResponse response = super.completeMultipartUpload(upload, request);
        notifyCreated("ObjectCreated:CompleteMultipartUpload", upload.containerName(), upload.blobName(), response.eTag(), null);
        return response;
    }

    private void notifyCreated(String eventName, String bucket, String key, String eTag, Long knownSize) {
        if (key == null || isMultipartStub(key)) {
            return;
        }
        List<QueueRule> matching = new ArrayList<>();
        for (QueueRule rule : rulesByBucket.getOrDefault(bucket, List.of())) {
            if (rule.matches(eventName, key)) {
                matching.add(rule);
            }
        }
        if (matching.isEmpty()) {
            return;
        }
        Instant time = Instant.now();
        String sequence = Long.toHexString(sequencer.incrementAndGet()).toUpperCase();
        // S3 answers the client first and notifies afterwards; a failure here must never fail the upload.
        sender.execute(() -> {
            Long size = knownSize;
            if (size == null) {
                HeadObjectResponse head = blobMetadataIfPresent(bucket, key);
                size = head == null ? 0L : head.contentLength();
            }
            for (QueueRule rule : matching) {
                try {
                    String body = eventJson(rule, eventName, bucket, key, eTag, size, time, sequence);
                    sqs.sendMessage(r -> r.queueUrl(rule.queueUrl()).messageBody(body));
                    sent.incrementAndGet();
                } catch (RuntimeException | JsonProcessingException e) {
                    failed.incrementAndGet();
                    LOG.log(Level.WARNING, "Could not send the S3 event for s3://" + bucket + "/" + key + " to " + rule.queueUrl(), e);
                }
            }
        });
    }

    static boolean isMultipartStub(String key) {
        String name = key.substring(key.lastIndexOf('/') + 1);
        return name.startsWith(".s3proxy") || name.contains("s3proxy-mpu-stub");
    }

    static String eventJson(QueueRule rule, String eventName, String bucket, String key, String eTag, long size,
                            Instant time, String sequencer) throws JsonProcessingException {
        Map<String, Object> object = new LinkedHashMap<>();
        // S3 URL-encodes keys in events (a space becomes '+').
        object.put("key", URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/"));
        object.put("size", size);
        object.put("eTag", eTag == null ? "" : eTag.replace("\"", ""));
        object.put("sequencer", sequencer);

        Map<String, Object> bucketInfo = new LinkedHashMap<>();
        bucketInfo.put("name", bucket);
        bucketInfo.put("ownerIdentity", Map.of("principalId", "DEVSTACK"));
        bucketInfo.put("arn", "arn:aws:s3:::" + bucket);

        Map<String, Object> s3 = new LinkedHashMap<>();
        s3.put("s3SchemaVersion", "1.0");
        s3.put("configurationId", rule.id());
        s3.put("bucket", bucketInfo);
        s3.put("object", object);

        Map<String, Object> record = new LinkedHashMap<>();
        record.put("eventVersion", "2.1");
        record.put("eventSource", "aws:s3");
        record.put("awsRegion", LocalAws.REGION);
        record.put("eventTime", DateTimeFormatter.ISO_INSTANT.format(time.truncatedTo(java.time.temporal.ChronoUnit.MILLIS)));
        record.put("eventName", eventName);
        record.put("userIdentity", Map.of("principalId", "AWS:" + LocalAws.ACCESS_KEY));
        record.put("requestParameters", Map.of("sourceIPAddress", "127.0.0.1"));
        record.put("responseElements", Map.of(
                "x-amz-request-id", UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase(),
                "x-amz-id-2", UUID.randomUUID().toString()));
        record.put("s3", s3);
        return JSON.writeValueAsString(Map.of("Records", List.of(record)));
    }
}
