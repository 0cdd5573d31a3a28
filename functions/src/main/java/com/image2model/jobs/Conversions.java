package com.image2model.jobs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import com.image2model.models.Exports;
import com.image2model.platform.ApiResponses;
import com.image2model.platform.TableKeys;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import tools.jackson.databind.JsonNode;

import static com.image2model.platform.DynamoItems.n;
import static com.image2model.platform.DynamoItems.s;
import static com.image2model.platform.DynamoItems.str;

/**
 * Conversions too big to make within an API request: asked for once (an item
 * {@code CONVERT#{job}#{file}#{format}} in the company's partition, written only if none is
 * pending), made by the worker from the jobs queue, and kept beside the GLB like any other. A
 * request nobody finished within {@link #STALE} is asked for again; one that cannot be made is
 * remembered with its reason, so the next download says why at once.
 */
public final class Conversions {

    /** How long a queued conversion may take before a download asks for it again (the worker retries within it). */
    static final Duration STALE = Duration.ofMinutes(10);

    /** What the worker is asked to make. */
    public record Request(String companyId, String jobId, String fileId, Exports.Format format) {
        String message() {
            return ApiResponses.JSON.writeValueAsString(Map.of("convert", Map.of("companyId", companyId, "jobId", jobId, "fileId", fileId,
                    "format", format.name().toLowerCase())));
        }

        /** The request a queue message holds; empty for anything that is not one (or names no format we make). */
        static Optional<Request> of(JsonNode message) {
            JsonNode convert = message.path("convert");
            Exports.Format format = Exports.Format.named(convert.path("format").asString(""));
            String company = convert.path("companyId").asString("");
            String job = convert.path("jobId").asString("");
            String file = convert.path("fileId").asString("");
            if (format == null || format == Exports.Format.GLB || company.isBlank() || !JobsApi.JOB_ID.matcher(job).matches()
                    || !JobsApi.FILE_ID.matcher(file).matches()) {
                return Optional.empty();
            }
            return Optional.of(new Request(company, job, file, format));
        }
    }

    private final DynamoDbClient db;
    private final String table;
    private final Consumer<String> queue;
    private final Clock clock;

    public Conversions(DynamoDbClient db, String table, Consumer<String> queue, Clock clock) {
        this.db = db;
        this.table = table;
        this.queue = queue;
        this.clock = clock;
    }

    /** Queues the conversion unless one is pending (or failed: {@link #failure} says why); answers whether this call queued it. */
    boolean request(Request request) {
        Instant now = clock.instant();
        Map<String, AttributeValue> item = new HashMap<>(key(request));
        item.put("requestedAt", s(now.toString()));
        item.put("stale", n(now.plus(STALE).getEpochSecond()));
        item.put("ttl", n(now.plus(Duration.ofDays(1)).getEpochSecond()));
        try {
            db.putItem(p -> p.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(PK) OR (attribute_not_exists(failed) AND stale < :now)")
                    .expressionAttributeValues(Map.of(":now", n(now.getEpochSecond()))));
        } catch (ConditionalCheckFailedException pending) {
            return false;
        }
        queue.accept(request.message());
        return true;
    }

    /** Why the conversion could not be made, if it was tried and could not. */
    Optional<String> failure(Request request) {
        Map<String, AttributeValue> item = db.getItem(g -> g.tableName(table).key(key(request)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.ofNullable(str(item, "failed"));
    }

    /** Made and kept: nothing is pending any more. */
    void done(Request request) {
        db.deleteItem(d -> d.tableName(table).key(key(request)));
    }

    /** Cannot be made from this GLB: remembered (a day) with the reason. */
    void failed(Request request, String reason) {
        db.updateItem(u -> u.tableName(table).key(key(request)).updateExpression("SET failed = :why")
                .expressionAttributeValues(Map.of(":why", s(reason))));
    }

    private static Map<String, AttributeValue> key(Request request) {
        return Map.of("PK", s(TableKeys.company(request.companyId())),
                "SK", s("CONVERT#" + request.jobId() + "#" + request.fileId() + "#" + request.format().name().toLowerCase()));
    }
}
