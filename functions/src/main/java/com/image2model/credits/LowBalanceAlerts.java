package com.image2model.credits;

import java.util.HashMap;
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

    /** The claimed notice of the current crossing. */
    static final String NOTICE = "NOTICE#LOWBALANCE";

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
    private final Crossing alsoTell;

    /** Told once per crossing too, after the email (the company's webhooks): the company and its available credits. */
    @FunctionalInterface
    public interface Crossing {
        void crossedBelow(String companyId, long available, long threshold, String noticeId);
    }

    public LowBalanceAlerts(DynamoDbClient db, String table, long threshold, Function<String, List<String>> adminEmails, Mailer mailer) {
        this(db, table, threshold, adminEmails, mailer, (companyId, available, limit, noticeId) -> { });
    }

    public LowBalanceAlerts(DynamoDbClient db, String table, long threshold, Function<String, List<String>> adminEmails, Mailer mailer,
                            Crossing alsoTell) {
        this.db = db;
        this.table = table;
        this.threshold = threshold;
        this.adminEmails = adminEmails;
        this.mailer = mailer;
        this.alsoTell = alsoTell;
    }

    @Override
    public void moved(String companyId, long availableBefore, long availableAfter) {
        Map<String, AttributeValue> key = CreditItems.key(companyId, NOTICE);
        switch (LowBalanceRule.change(availableBefore, availableAfter, threshold)) {
            case CROSSED_BELOW -> {
                Map<String, AttributeValue> notice = new HashMap<>(key);
                notice.put("available", AttributeValue.fromN(Long.toString(availableAfter)));
                // Names this crossing (a later one is another notice): the webhook event's subject.
                String noticeId = java.util.UUID.randomUUID().toString();
                notice.put("noticeId", AttributeValue.fromS(noticeId));
                try {
                    db.putItem(p -> p.tableName(table).conditionExpression("attribute_not_exists(PK)").item(notice));
                } catch (ConditionalCheckFailedException alreadyTold) {
                    return;
                }
                try {
                    mailer.send(adminEmails.apply(companyId), LowBalanceRule.subject(), LowBalanceRule.text(availableAfter, threshold));
                } finally {
                    alsoTell.crossedBelow(companyId, availableAfter, threshold, noticeId);
                }
            }
            case BACK_ABOVE -> db.deleteItem(d -> d.tableName(table).key(key));
            default -> {
                // Nothing to tell.
            }
        }
    }
}
