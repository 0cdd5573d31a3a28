package com.image2model.jobs;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.image2model.platform.SqsBatch;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The SQS worker: each message is an S3 ObjectCreated notification for an upload, handed to the
 * pipeline, or a conversion of a big model a download asked for ({@link Conversions}); failures
 * are reported per message ({@link SqsBatch}).
 */
public final class WorkerFunction implements Function<Map<String, Object>, SQSBatchResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerFunction.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A message is started only with this much of the invocation left: one short FAL attempt and the reserve after it. */
    static final long LEAVE_WHEN_LESS_MILLIS = com.image2model.fal.FalClient.RESERVE_MILLIS + 2_000;

    private final Pipeline pipeline;
    private final ModelDownloads downloads;
    private final JobStore jobs;

    public WorkerFunction(Pipeline pipeline, ModelDownloads downloads, JobStore jobs) {
        this.pipeline = pipeline;
        this.downloads = downloads;
        this.jobs = jobs;
    }

    @Override
    public SQSBatchResponse apply(Map<String, Object> event) {
        // Too little time for another FAL call: the rest go back to SQS untouched rather than be cut off.
        return SqsBatch.process(event, LEAVE_WHEN_LESS_MILLIS, this::handle);
    }

    private void handle(SqsBatch.Message message) {
        JsonNode body;
        try {
            body = JSON.readTree(message.body());
        } catch (RuntimeException e) {
            // Not an S3 notification: retrying cannot help; it is logged and dropped.
            LOG.error("Message {} is not JSON; dropped", message.id());
            return;
        }
        if ("s3:TestEvent".equals(body.path("Event").asString(""))) {
            return;
        }
        if (body.has("dispatch")) {
            // A FAL slot was freed (or the sweeper saw files waiting with slots free): send what is next.
            String app = body.path("dispatch").asString("");
            if (app.isEmpty()) {
                LOG.error("Message {} names no FAL app to dispatch; dropped", message.id());
                return;
            }
            int sent = pipeline.dispatch(app);
            LOG.info("dispatch {}: {} sent", app.length() > 80 ? app.substring(0, 80) + "..." : app, sent);
            return;
        }
        if (body.has("convert")) {
            Conversions.Request.of(body).ifPresentOrElse(request -> downloads.convertQueued(request, jobs),
                    () -> LOG.error("Message {} asks for no conversion we make; dropped", message.id()));
            return;
        }
        for (JsonNode record : body.path("Records")) {
            if (!record.path("eventName").asString("").startsWith("ObjectCreated:")) {
                continue;
            }
            String bucket = record.path("s3").path("bucket").path("name").asString("");
            // S3 sends keys URL-encoded, spaces as '+'.
            String key = URLDecoder.decode(record.path("s3").path("object").path("key").asString(""), StandardCharsets.UTF_8);
            Pipeline.Outcome outcome = pipeline.uploaded(bucket, key, message.receiveCount());
            LOG.info("{} -> {}", key, outcome);
        }
    }
}
