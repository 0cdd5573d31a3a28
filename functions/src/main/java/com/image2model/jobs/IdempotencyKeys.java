package com.image2model.jobs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Pattern;

import com.image2model.platform.ApiException;
import com.image2model.platform.TableKeys;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import static com.image2model.platform.DynamoItems.n;
import static com.image2model.platform.DynamoItems.num;
import static com.image2model.platform.DynamoItems.s;
import static com.image2model.platform.DynamoItems.str;

/**
 * {@code Idempotency-Key} of POST /jobs: the first request with a key claims it (an item
 * {@code IDEMPOTENCY#<key>} in the company's partition, kept 24 hours) with the job id it will
 * make and the fingerprint of what it asked; a repeat with the same request gets that job, one
 * with another request 422. A claim whose request died midway is taken over after
 * {@link #TAKE_OVER}: the job id is the same, so its credit holds (named after it) are not
 * taken twice.
 */
public final class IdempotencyKeys {

    static final Duration KEPT = Duration.ofHours(24);
    static final Duration TAKE_OVER = Duration.ofSeconds(30);
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");

    /** What a claim decided: make the job (this request owns the key) or answer the job already made. */
    public record Claim(String jobId, boolean owner) {
    }

    private final DynamoDbClient db;
    private final String table;
    private final Clock clock;

    public IdempotencyKeys(DynamoDbClient db, String table, Clock clock) {
        this.db = db;
        this.table = table;
        this.clock = clock;
    }

    /** The header's value checked: printable ASCII without spaces, 1 to 255 characters. */
    static String checked(String key) {
        if (key == null || !KEY.matcher(key).matches()) {
            throw ApiException.badRequest("invalid_idempotency_key",
                    "Idempotency-Key must be 1 to 255 printable characters without spaces (a UUID is a good one).");
        }
        return key;
    }

    /** A request's fingerprint: what it asks for, in a fixed order (its JSON's spacing or key order do not matter). */
    static String fingerprint(JobRequest request) {
        StringBuilder text = new StringBuilder(request.options().toMap().toString()).append('\n').append(request.name()).append('\n')
                .append(request.projectId());
        for (JobStore.NewFile file : request.files()) {
            text.append('\n').append(file.name()).append('\t').append(file.contentType()).append('\t').append(file.size())
                    .append('\t').append(file.options() == null ? "" : file.options().toMap());
            for (Jobs.View view : file.otherViews()) {
                text.append('\t').append(view.role().word()).append(':').append(view.contentType()).append(':').append(view.size());
            }
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Claims {@code key} for a request with {@code fingerprint}, to make {@code newJobId}; or answers
     * the job a claim made before. A claim still being made answers 409 {@code idempotency_in_progress}
     * (ask again in a moment); another request under the key, 422 {@code idempotency_key_reused}.
     */
    public Claim claim(String companyId, String key, String fingerprint, String newJobId) {
        Instant now = clock.instant();
        Map<String, AttributeValue> item = new HashMap<>(key(companyId, key));
        item.put("fingerprint", s(fingerprint));
        item.put("jobId", s(newJobId));
        item.put("state", s("making"));
        item.put("claimedAt", n(now.toEpochMilli()));
        item.put("ttl", n(now.plus(KEPT).getEpochSecond()));
        try {
            db.putItem(p -> p.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(PK) OR #ttl < :now")
                    .expressionAttributeNames(Map.of("#ttl", "ttl"))
                    .expressionAttributeValues(Map.of(":now", n(now.getEpochSecond()))));
            return new Claim(newJobId, true);
        } catch (ConditionalCheckFailedException taken) {
            // Someone has the key: read what they asked and where they are.
        }
        Map<String, AttributeValue> held = db.getItem(g -> g.tableName(table).key(key(companyId, key)).consistentRead(true)).item();
        if (held == null || held.isEmpty()) {
            return claim(companyId, key, fingerprint, newJobId);
        }
        if (!fingerprint.equals(str(held, "fingerprint"))) {
            throw new ApiException(422, "idempotency_key_reused", "This Idempotency-Key was used for another request in the last 24 hours:"
                    + " send a new key for a new job.");
        }
        String jobId = str(held, "jobId");
        if ("made".equals(str(held, "state"))) {
            return new Claim(jobId, false);
        }
        long claimedAt = num(held, "claimedAt");
        if (now.toEpochMilli() - claimedAt < TAKE_OVER.toMillis()) {
            throw ApiException.conflict("idempotency_in_progress", "The first request with this Idempotency-Key is still being made:"
                    + " ask again in a moment.");
        }
        // Its request died midway: take it over, for the same job id (its holds, if any, are reused).
        try {
            db.updateItem(u -> u.tableName(table).key(key(companyId, key)).updateExpression("SET claimedAt = :now")
                    .conditionExpression("claimedAt = :seen AND #state = :making")
                    .expressionAttributeNames(Map.of("#state", "state"))
                    .expressionAttributeValues(Map.of(":now", n(now.toEpochMilli()), ":seen", n(claimedAt), ":making", s("making"))));
            return new Claim(jobId, true);
        } catch (ConditionalCheckFailedException another) {
            throw ApiException.conflict("idempotency_in_progress", "The first request with this Idempotency-Key is still being made:"
                    + " ask again in a moment.");
        }
    }

    /** The job is made: repeats answer it. */
    public void made(String companyId, String key) {
        db.updateItem(u -> u.tableName(table).key(key(companyId, key)).updateExpression("SET #state = :made")
                .expressionAttributeNames(Map.of("#state", "state")).expressionAttributeValues(Map.of(":made", s("made"))));
    }

    /** The request was refused (402, 409, 429...): nothing was made, and the key is free for the request once it can be paid. */
    public void release(String companyId, String key) {
        try {
            db.deleteItem(d -> d.tableName(table).key(key(companyId, key)).conditionExpression("#state = :making")
                    .expressionAttributeNames(Map.of("#state", "state")).expressionAttributeValues(Map.of(":making", s("making"))));
        } catch (ConditionalCheckFailedException made) {
            // Made after all (a take-over finished it): it stays.
        }
    }

    private static Map<String, AttributeValue> key(String companyId, String key) {
        return Map.of("PK", s(TableKeys.company(companyId)), "SK", s("IDEMPOTENCY#" + key));
    }
}
