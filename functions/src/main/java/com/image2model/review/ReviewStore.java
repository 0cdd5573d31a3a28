package com.image2model.review;

import static com.image2model.platform.DynamoItems.bool;
import static com.image2model.platform.DynamoItems.n;
import static com.image2model.platform.DynamoItems.num;
import static com.image2model.platform.DynamoItems.s;
import static com.image2model.platform.DynamoItems.str;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.image2model.platform.DynamoItems;
import com.image2model.platform.TableKeys;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Review links and reviewers' decisions in the table: {@code SHARE#{shareId}} in the company's
 * partition (removed by DynamoDB's TTL 30 days after it ends), and the latest decision on each
 * model's own file item, so the job page reads it with the files.
 */
public final class ReviewStore {

    static final String PREFIX = "SHARE#";
    private static final Duration KEPT_AFTER_END = Duration.ofDays(30);

    private final DynamoDbClient db;
    private final String table;

    public ReviewStore(DynamoDbClient db, String table) {
        this.db = db;
        this.table = table;
    }

    private static Map<String, AttributeValue> key(String companyId, String sk) {
        return DynamoItems.key(TableKeys.company(companyId), sk);
    }

    public void put(Share share) {
        Map<String, AttributeValue> item = new HashMap<>(key(share.companyId(), PREFIX + share.shareId()));
        item.put("shareId", s(share.shareId()));
        item.put("jobId", s(share.jobId()));
        item.put("secretHash", s(share.secretHash()));
        item.put("createdAt", s(share.createdAt().toString()));
        item.put("createdBy", s(share.createdBy()));
        item.put("expiresAt", n(share.expiresAt().getEpochSecond()));
        item.put("allowDownload", AttributeValue.fromBool(share.allowDownload()));
        item.put("ttl", n(share.expiresAt().plus(KEPT_AFTER_END).getEpochSecond()));
        db.putItem(p -> p.tableName(table).item(item).conditionExpression("attribute_not_exists(SK)"));
    }

    public Optional<Share> share(String companyId, String shareId) {
        Map<String, AttributeValue> item = db.getItem(g -> g.tableName(table).key(key(companyId, PREFIX + shareId)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toShare(companyId, item));
    }

    /** The job's links, newest first (a company has few: they are read with a filter). */
    public List<Share> shares(String companyId, String jobId) {
        List<Share> shares = new ArrayList<>();
        db.queryPaginator(q -> q.tableName(table).keyConditionExpression("PK = :pk AND begins_with(SK, :prefix)").filterExpression("jobId = :job")
                        .expressionAttributeValues(Map.of(":pk", s(TableKeys.company(companyId)), ":prefix", s(PREFIX), ":job", s(jobId))))
                .items().forEach(item -> shares.add(toShare(companyId, item)));
        shares.sort((a, b) -> b.createdAt().compareTo(a.createdAt()));
        return shares;
    }

    /** Withdraws a link of this job; false when there is none (or it was withdrawn already). */
    public boolean revoke(String companyId, String jobId, String shareId, Instant at) {
        try {
            db.updateItem(u -> u.tableName(table).key(key(companyId, PREFIX + shareId)).updateExpression("SET revokedAt = :at")
                    .conditionExpression("attribute_exists(SK) AND jobId = :job AND attribute_not_exists(revokedAt)")
                    .expressionAttributeValues(Map.of(":at", s(at.toString()), ":job", s(jobId))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** Records a reviewer's decision on a finished model of the job; false when there is no such finished model. */
    public boolean decide(String companyId, String jobId, String fileId, Share.Decision decision, String comment, String shareId, Instant at) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":decision", s(decision.wire()));
        values.put(":comment", s(comment == null ? "" : comment));
        values.put(":at", s(at.toString()));
        values.put(":share", s(shareId));
        values.put(":done", s("DONE"));
        try {
            db.updateItem(u -> u.tableName(table).key(key(companyId, "JOBFILE#" + jobId + "#" + fileId))
                    .updateExpression("SET reviewDecision = :decision, reviewComment = :comment, reviewAt = :at, reviewShare = :share")
                    .conditionExpression("attribute_exists(SK) AND #status = :done").expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private static Share toShare(String companyId, Map<String, AttributeValue> item) {
        String revoked = str(item, "revokedAt");
        return new Share(companyId, str(item, "shareId"), str(item, "jobId"), str(item, "secretHash"), Instant.parse(str(item, "createdAt")),
                str(item, "createdBy"), Instant.ofEpochSecond(num(item, "expiresAt")), bool(item, "allowDownload"),
                revoked == null ? null : Instant.parse(revoked));
    }
}
