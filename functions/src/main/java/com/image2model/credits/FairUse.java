package com.image2model.credits;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import com.image2model.platform.TableKeys;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The Unlimited plan's fair use: images per calendar month (UTC) up to a soft cap, with a warning
 * from a share of it. Each piece of work counts once: the counter moves in one transaction with a
 * marker keyed by the work's id, so a retried call changes nothing.
 */
public final class FairUse implements FairUseRule {

    /** Where a company stands this month. */
    private final DynamoDbClient db;
    private final String table;
    private final long cap;
    private final int warnAtPercent;
    private final Clock clock;

    public FairUse(DynamoDbClient db, String table, long cap, int warnAtPercent, Clock clock) {
        this.db = db;
        this.table = table;
        this.cap = cap;
        this.warnAtPercent = warnAtPercent;
        this.clock = clock;
    }

    public Standing standing(String companyId) {
        String month = month();
        Map<String, AttributeValue> item = db.getItem(g -> g.tableName(table).consistentRead(true)
                .key(Map.of("PK", s(TableKeys.company(companyId)), "SK", s("FAIRUSE#" + month)))).item();
        long used = item == null || !item.containsKey("images") ? 0 : Long.parseLong(item.get("images").n());
        return standing(month, used);
    }

    /** Counts {@code images} for the work {@code workId}, or refuses when the month's cap would be passed. */
    public Standing count(String companyId, String workId, long images) {
        String month = month();
        try {
            db.transactWriteItems(t -> t.transactItems(
                    TransactWriteItem.builder().put(p -> p.tableName(table)
                            .item(Map.of("PK", s(TableKeys.company(companyId)), "SK", s("FAIRUSE#" + month + "#W#" + workId), "images", n(images)))
                            .conditionExpression("attribute_not_exists(PK)")).build(),
                    TransactWriteItem.builder().update(u -> u.tableName(table)
                            .key(Map.of("PK", s(TableKeys.company(companyId)), "SK", s("FAIRUSE#" + month)))
                            .updateExpression("ADD images :n")
                            .conditionExpression("attribute_not_exists(images) OR images <= :room")
                            .expressionAttributeValues(Map.of(":n", n(images), ":room", n(FairUseRule.room(cap, images))))).build()));
        } catch (TransactionCanceledException cancelled) {
            List<CancellationReason> reasons = cancelled.cancellationReasons();
            if ("ConditionalCheckFailed".equals(reasons.get(0).code())) {
                return standing(companyId);
            }
            if ("ConditionalCheckFailed".equals(reasons.get(1).code())) {
                throw new CapReached(standing(companyId), FairUseRule.resetsOn(month));
            }
            throw cancelled;
        }
        return standing(companyId);
    }

    private Standing standing(String month, long used) {
        return FairUseRule.standing(month, used, cap, warnAtPercent);
    }

    private String month() {
        return FairUseRule.month(clock.instant());
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
