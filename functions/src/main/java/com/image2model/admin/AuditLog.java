package com.image2model.admin;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import static com.image2model.platform.DynamoItems.s;
import static com.image2model.platform.DynamoItems.str;

/**
 * Every operator action, in the table's {@code AUDIT} partition, newest first by a time-ordered
 * sort key. Entries are only ever put (on a key that cannot exist yet); no route changes or
 * deletes them, and no code here can.
 */
public final class AuditLog {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PK = "AUDIT";
    static final int PAGE = 50;

    /** One action: who, what, on which company (and person), the state before and after, and why. */
    public record Entry(String id, String at, String operator, String operatorEmail, String action, String companyId, String target,
                        String before, String after, String reason) {
        public Map<String, Object> view() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("id", id);
            out.put("at", at);
            out.put("operator", operator);
            out.put("operatorEmail", operatorEmail);
            out.put("action", action);
            out.put("companyId", companyId);
            out.put("target", target);
            out.put("before", before);
            out.put("after", after);
            out.put("reason", reason);
            return out;
        }
    }

    public record Page(List<Entry> entries, String nextCursor) {
    }

    private final DynamoDbClient db;
    private final String table;
    private final Clock clock;

    public AuditLog(DynamoDbClient db, String table, Clock clock) {
        this.db = db;
        this.table = table;
        this.clock = clock;
    }

    /** Writes one entry (never over another). */
    public Entry record(String operator, String operatorEmail, String action, String companyId, String target, String before, String after,
                        String reason) {
        long now = clock.millis();
        byte[] random = new byte[4];
        RANDOM.nextBytes(random);
        // Newest first when read backwards: the time leads, the random part keeps two actions in one millisecond apart.
        String id = String.format("%013d", now) + "-" + HexFormat.of().formatHex(random);
        Entry entry = new Entry(id, java.time.Instant.ofEpochMilli(now).toString(), operator, operatorEmail, action, companyId, target, before,
                after, reason);
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("PK", s(PK));
        item.put("SK", s("A#" + id));
        entry.view().forEach((k, v) -> {
            if (v != null) {
                item.put(k, s(String.valueOf(v)));
            }
        });
        db.putItem(p -> p.tableName(table).item(item).conditionExpression("attribute_not_exists(PK)"));
        return entry;
    }

    /** A page of entries, newest first; {@code cursor} is a previous page's nextCursor. */
    public Page page(String cursor) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":pk", s(PK), ":low", s("A#")));
        values.put(":high", s(cursor == null ? "A#~" : "A#" + cursor));
        QueryResponse page = db.query(q -> q.tableName(table).consistentRead(true).keyConditionExpression("PK = :pk AND SK BETWEEN :low AND :high")
                .expressionAttributeValues(values).scanIndexForward(false).limit(PAGE + 1));
        List<Entry> entries = new ArrayList<>();
        for (Map<String, AttributeValue> item : page.items()) {
            if (cursor != null && item.get("SK").s().equals("A#" + cursor)) {
                continue;
            }
            entries.add(new Entry(str(item, "id"), str(item, "at"), str(item, "operator"), str(item, "operatorEmail"), str(item, "action"),
                    str(item, "companyId"), str(item, "target"), str(item, "before"), str(item, "after"), str(item, "reason")));
        }
        String next = null;
        if (entries.size() > PAGE) {
            entries = entries.subList(0, PAGE);
            next = entries.get(PAGE - 1).id();
        }
        return new Page(entries, next);
    }
}
