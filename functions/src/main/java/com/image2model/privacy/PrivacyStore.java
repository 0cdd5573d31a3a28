package com.image2model.privacy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.image2model.platform.TableKeys;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;

import static com.image2model.platform.DynamoItems.key;
import static com.image2model.platform.DynamoItems.s;

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
                .expressionAttributeValues(Map.of(":pk", s(TableKeys.company(companyId))))).items().forEach(items::add);
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

    /**
     * One item with the person replaced: in place when its key stays, moved (in one transaction)
     * when the key named them. Each write is conditioned on what was read, so a concurrent change
     * (a hold captured meanwhile, a usage counter raised) is never overwritten: the item is read
     * again and scrubbed again.
     */
    private boolean rewrite(Map<String, AttributeValue> read, Map<String, String> replacements) {
        Map<String, AttributeValue> item = read;
        for (int attempt = 0; attempt < 5 && item != null && !item.isEmpty(); attempt++) {
            Map<String, AttributeValue> changed = new HashMap<>();
            item.forEach((name, value) -> {
                if (value.s() != null && Erasure.mentions(value.s(), replacements)) {
                    changed.put(name, s(Erasure.scrub(value.s(), replacements)));
                }
            });
            if (changed.isEmpty()) {
                return false;
            }
            try {
                if (changed.containsKey("SK")) {
                    move(item, changed);
                } else {
                    scrubInPlace(item, changed);
                }
                return true;
            } catch (ConditionalCheckFailedException | TransactionCanceledException concurrent) {
                Map<String, AttributeValue> key = key(item.get("PK").s(), item.get("SK").s());
                item = db.getItem(g -> g.tableName(table).key(key).consistentRead(true)).item();
            }
        }
        if (item != null && !item.isEmpty()) {
            throw new IllegalStateException("The item kept changing while it was being anonymised; the erasure is retried");
        }
        return false;
    }

    /** SET the scrubbed attributes, only while each still holds what was read (other attributes are left alone). */
    private void scrubInPlace(Map<String, AttributeValue> item, Map<String, AttributeValue> changed) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> sets = new ArrayList<>();
        List<String> conditions = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, AttributeValue> c : changed.entrySet()) {
            names.put("#a" + i, c.getKey());
            values.put(":new" + i, c.getValue());
            values.put(":old" + i, item.get(c.getKey()));
            sets.add("#a" + i + " = :new" + i);
            conditions.add("#a" + i + " = :old" + i);
            i++;
        }
        db.updateItem(u -> u.tableName(table).key(key(item.get("PK").s(), item.get("SK").s()))
                .updateExpression("SET " + String.join(", ", sets)).conditionExpression(String.join(" AND ", conditions))
                .expressionAttributeNames(names).expressionAttributeValues(values));
    }

    /** Deletes the item (only as it was read: every attribute unchanged) and puts it back under its scrubbed key. */
    private void move(Map<String, AttributeValue> item, Map<String, AttributeValue> changed) {
        Map<String, AttributeValue> moved = new HashMap<>(item);
        moved.putAll(changed);
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> conditions = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, AttributeValue> a : item.entrySet()) {
            if (a.getKey().equals("PK") || a.getKey().equals("SK")) {
                continue;
            }
            names.put("#a" + i, a.getKey());
            values.put(":v" + i, a.getValue());
            conditions.add("#a" + i + " = :v" + i);
            i++;
        }
        String condition = conditions.isEmpty() ? "attribute_exists(PK)" : String.join(" AND ", conditions);
        db.transactWriteItems(t -> t.transactItems(
                TransactWriteItem.builder().delete(d -> {
                    d.tableName(table).key(key(item.get("PK").s(), item.get("SK").s())).conditionExpression(condition);
                    if (!names.isEmpty()) {
                        d.expressionAttributeNames(names).expressionAttributeValues(values);
                    }
                }).build(),
                TransactWriteItem.builder().put(p -> p.tableName(table).item(moved).conditionExpression("attribute_not_exists(PK)")).build()));
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
            if (item.containsKey("falSlot")) {
                deleteHoldingSlot(item);
            } else {
                db.deleteItem(d -> d.tableName(table).key(key(item.get("PK").s(), sk)));
            }
            deleted++;
        }
        if (company) {
            // Last: while it exists, a retried erasure knows there is more to do.
            deleteItem(TableKeys.company(companyId), "COMPANY");
            deleted++;
        }
        return deleted;
    }

    /** Deletes one item outside the company's partition (its domain claim, an email claim, its Stripe customer's link). */
    /**
     * A file that holds a FAL slot (sent, or being sent): deleted with its slot given back, in one
     * transaction, so the slots of an erased company are not lost to everyone else.
     */
    private void deleteHoldingSlot(Map<String, AttributeValue> item) {
        String app = item.get("falSlot").s();
        Map<String, AttributeValue> itemKey = key(item.get("PK").s(), item.get("SK").s());
        try {
            db.transactWriteItems(t -> t.transactItems(
                    TransactWriteItem.builder().delete(d -> d.tableName(table).key(itemKey).conditionExpression("falSlot = :app")
                            .expressionAttributeValues(Map.of(":app", s(app)))).build(),
                    com.image2model.jobs.FalSlots.release(table, app)));
        } catch (TransactionCanceledException changed) {
            // Its slot was given back meanwhile (FAL answered): a plain delete.
            db.deleteItem(d -> d.tableName(table).key(itemKey));
        }
    }

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
}
