package com.image2model.credits;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Tells a company's admins when its available credits fall below the threshold: once per crossing
 * (a notice item claimed with a condition, so concurrent or retried movements send one email), and
 * again only after the balance has been back above it.
 */
public final class LowBalanceAlerts implements CreditLedger.BalanceListener {

    /** Sends one email. */
    @FunctionalInterface
    public interface Mailer {
        void send(List<String> to, String subject, String text);
    }

    private final DynamoDbClient db;
    private final String table;
    private final long threshold;
    private final Function<String, List<String>> adminEmails;
    private final Mailer mailer;

    public LowBalanceAlerts(DynamoDbClient db, String table, long threshold, Function<String, List<String>> adminEmails, Mailer mailer) {
        this.db = db;
        this.table = table;
        this.threshold = threshold;
        this.adminEmails = adminEmails;
        this.mailer = mailer;
    }

    @Override
    public void moved(String companyId, long availableBefore, long availableAfter) {
        Map<String, AttributeValue> key = Map.of("PK", AttributeValue.fromS("C#" + companyId), "SK", AttributeValue.fromS("NOTICE#LOWBALANCE"));
        if (availableBefore >= threshold && availableAfter < threshold) {
            try {
                db.putItem(p -> p.tableName(table).conditionExpression("attribute_not_exists(PK)")
                        .item(Map.of("PK", key.get("PK"), "SK", key.get("SK"), "available", AttributeValue.fromN(Long.toString(availableAfter)))));
            } catch (ConditionalCheckFailedException alreadyTold) {
                return;
            }
            mailer.send(adminEmails.apply(companyId), "Your Image2Model credits are running low",
                    "Your company has " + availableAfter + " credits left, less than one high-quality image (" + threshold
                            + " credits). Buy a credit pack or change your plan under Billing to keep generating models.");
        } else if (availableBefore < threshold && availableAfter >= threshold) {
            db.deleteItem(d -> d.tableName(table).key(key));
        }
    }
}
