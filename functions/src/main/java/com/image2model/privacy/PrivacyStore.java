package com.image2model.privacy;

import static com.image2model.platform.DynamoItems.key;
import static com.image2model.platform.DynamoItems.s;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;

/**
 * Where erasure touches the table and the buckets. Every item of a company lives in its partition
 * {@code C#{company}}; what names a person is found by value (their id or email in any text
 * attribute, or in the sort key) rather than by a list of item types, so an item type added later
 * is erased too. Ledger entries ({@code LEDGER#}) are the one kind that is kept: their person is
 * replaced by the anonymous id, everything else about them stays as it was.
 */
public final class PrivacyStore {

    private static final String LEDGER = "LEDGER#";

    private final DynamoDbClient db;
    private final String table;
    private final S3Client s3;

    public PrivacyStore(DynamoDbClient db, String table, S3Client s3) {
        this.db = db;
        this.table = table;
        this.s3 = s3;
    }

    /** Every item of the company's partition (consistent, all pages). */
    public List<Map<String, AttributeValue>> companyItems(String companyId) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        db.queryPaginator(q -> q.tableName(table).consistentRead(true).keyConditionExpression("PK = :pk")
                .expressionAttributeValues(Map.of(":pk", s("C#" + companyId)))).items().forEach(items::add);
        return items;
    }

    /**
     * Replaces a person (their id and email, the keys of {@code replacements}) by an anonymous id in
     * every item of the company that names them; their own counters ({@code RATE#}) go. Their member
     * and email items are removed by the membership's own removal, not here. Safe to run again.
     */
    public int anonymise(String companyId, String userId, Map<String, String> replacements) {
        int changed = 0;
        for (Map<String, AttributeValue> item : companyItems(companyId)) {
            String sk = item.get("SK").s();
            if (sk.equals("MEMBER#" + userId)) {
                continue;
            }
            if (sk.startsWith("RATE#" + userId + "#")) {
                db.deleteItem(d -> d.tableName(table).key(key(item.get("PK").s(), sk)));
                changed++;
                continue;
            }
            if (rewrite(item, replacements)) {
                changed++;
            }
        }
        return changed;
    }

    /** One item with the person replaced: in place when its key stays, moved (in one transaction) when the key named them. */
    private boolean rewrite(Map<String, AttributeValue> item, Map<String, String> replacements) {
        Map<String, AttributeValue> scrubbed = new HashMap<>();
        boolean changed = false;
        for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
            AttributeValue value = attribute.getValue();
            if (value.s() != null && Erasure.mentions(value.s(), replacements)) {
                scrubbed.put(attribute.getKey(), s(Erasure.scrub(value.s(), replacements)));
                changed = true;
            } else {
                scrubbed.put(attribute.getKey(), value);
            }
        }
        if (!changed) {
            return false;
        }
        String sk = item.get("SK").s();
        boolean moved = !scrubbed.get("SK").s().equals(sk);
        if (moved) {
            db.transactWriteItems(t -> t.transactItems(
                    TransactWriteItem.builder().delete(d -> d.tableName(table).key(key(item.get("PK").s(), sk))).build(),
                    TransactWriteItem.builder().put(p -> p.tableName(table).item(scrubbed)).build()));
        } else {
            try {
                // Only if the item is still the one read: a concurrent change is left for the next run.
                db.putItem(p -> p.tableName(table).item(scrubbed).conditionExpression("attribute_exists(PK)"));
            } catch (ConditionalCheckFailedException gone) {
                return false;
            }
        }
        return true;
    }

    /**
     * Deletes every item of the company's partition except its ledger entries, which are
     * anonymised; answers how many were deleted.
     */
    public int eraseCompanyItems(String companyId, Map<String, String> replacements) {
        int deleted = 0;
        boolean company = false;
        for (Map<String, AttributeValue> item : companyItems(companyId)) {
            String sk = item.get("SK").s();
            if (sk.startsWith(LEDGER)) {
                rewrite(item, replacements);
                continue;
            }
            if (sk.equals("COMPANY")) {
                company = true;
                continue;
            }
            db.deleteItem(d -> d.tableName(table).key(key(item.get("PK").s(), sk)));
            deleted++;
        }
        if (company) {
            // Last: while it exists, a retried erasure knows there is more to do.
            deleteItem("C#" + companyId, "COMPANY");
            deleted++;
        }
        return deleted;
    }

    /** Deletes one item outside the company's partition (its domain claim, an email claim, its Stripe customer's link). */
    public void deleteItem(String pk, String sk) {
        db.deleteItem(d -> d.tableName(table).key(key(pk, sk)));
    }

    /** Deletes every object under {@code prefix}; answers how many. */
    public int deleteObjects(String bucket, String prefix) {
        int deleted = 0;
        String token = null;
        do {
            String continuation = token;
            var page = s3.listObjectsV2(l -> l.bucket(bucket).prefix(prefix).continuationToken(continuation));
            List<ObjectIdentifier> keys = page.contents().stream().map(o -> ObjectIdentifier.builder().key(o.key()).build()).toList();
            if (!keys.isEmpty()) {
                s3.deleteObjects(d -> d.bucket(bucket).delete(x -> x.objects(keys).quiet(true)));
                deleted += keys.size();
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
        return deleted;
    }

    /** Marks the company as being erased (once); answers false when it already is. */
    public boolean markErasing(String companyId, String requestedBy, String at) {
        try {
            db.updateItem(u -> u.tableName(table).key(key("C#" + companyId, "COMPANY"))
                    .conditionExpression("attribute_exists(PK) AND attribute_not_exists(erasureRequestedAt)")
                    .updateExpression("SET erasureRequestedAt = :at, erasureRequestedBy = :by")
                    .expressionAttributeValues(Map.of(":at", s(at), ":by", s(requestedBy))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** Whether an erasure of the company was requested. */
    public boolean erasing(String companyId) {
        Map<String, AttributeValue> item = db.getItem(g -> g.tableName(table).key(key("C#" + companyId, "COMPANY")).consistentRead(true)).item();
        return item != null && item.containsKey("erasureRequestedAt");
    }
}
