package com.image2model.limits;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.image2model.platform.TableKeys;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

import static com.image2model.platform.DynamoItems.key;
import static com.image2model.platform.DynamoItems.n;
import static com.image2model.platform.DynamoItems.num;

/**
 * Rate counters in the main table: {@code PK = C#{company}}, {@code SK = RATE#{user}#{limit}#{window
 * start}}, an {@code n} that only a conditional {@code ADD} raises (never above the limit), and a
 * {@code ttl} so DynamoDB drops the counter after its window. Several counters move in one
 * transaction: a job refused for images does not count as a job.
 */
public final class DynamoRateCounters implements RateLimiter.Counters {

    private static final String CONDITION = "attribute_not_exists(#n) OR #n <= :room";
    private static final String UPDATE = "ADD #n :amount SET #ttl = if_not_exists(#ttl, :ttl)";

    private final DynamoDbClient db;
    private final String table;

    public DynamoRateCounters(DynamoDbClient db, String table) {
        this.db = db;
        this.table = table;
    }

    static Map<String, AttributeValue> counterKey(String companyId, String userId, String key) {
        return key(TableKeys.company(companyId), "RATE#" + userId + "#" + key);
    }

    @Override
    public int add(List<RateLimiter.Counter> counters) {
        List<Update> updates = new ArrayList<>();
        for (RateLimiter.Counter counter : counters) {
            updates.add(Update.builder().tableName(table).key(counterKey(counter.companyId(), counter.userId(), counter.key()))
                    .conditionExpression(CONDITION).updateExpression(UPDATE)
                    .expressionAttributeNames(Map.of("#n", "n", "#ttl", "ttl"))
                    .expressionAttributeValues(Map.of(":amount", n(counter.amount()), ":room", n(counter.most() - counter.amount()),
                            ":ttl", n(counter.expiresAt().getEpochSecond())))
                    .build());
        }
        if (updates.size() == 1) {
            Update update = updates.get(0);
            try {
                db.updateItem(u -> u.tableName(table).key(update.key()).conditionExpression(update.conditionExpression())
                        .updateExpression(update.updateExpression()).expressionAttributeNames(update.expressionAttributeNames())
                        .expressionAttributeValues(update.expressionAttributeValues()));
                return -1;
            } catch (ConditionalCheckFailedException e) {
                return 0;
            }
        }
        try {
            db.transactWriteItems(t -> t.transactItems(updates.stream().map(u -> TransactWriteItem.builder().update(u).build()).toList()));
            return -1;
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.cancellationReasons();
            for (int i = 0; i < reasons.size(); i++) {
                if ("ConditionalCheckFailed".equals(reasons.get(i).code())) {
                    return i;
                }
            }
            // Cancelled for another reason (a conflicting transaction on the same counter): the caller's retry decides.
            throw e;
        }
    }

    @Override
    public Map<String, Long> read(String companyId, String userId, List<String> keys) {
        Map<String, Long> counts = new HashMap<>();
        if (keys.isEmpty()) {
            return counts;
        }
        for (String key : keys) {
            Map<String, AttributeValue> item = db.getItem(g -> g.tableName(table).key(counterKey(companyId, userId, key)).consistentRead(true)).item();
            if (item != null && !item.isEmpty()) {
                counts.put(key, num(item, "n"));
            }
        }
        return counts;
    }
}
