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
 *
 * <p>The notice is written due for a retry (the sparse {@code Due} index) before the email is
 * sent, and the retry is taken off once the email is out: a send that fails, or a function that
 * dies between the two, leaves the notice to the sweeper ({@link #retryDue}), which sends it again
 * with a growing wait, so a recorded crossing is never left untold. A balance back above the
 * threshold deletes the notice, and with it any retry still due.
 */
public final class LowBalanceAlerts implements CreditLedger.BalanceListener {

    /** The claimed notice of the current crossing. */
    static final String NOTICE = "NOTICE#LOWBALANCE";
    /** The Due index's partition of notices whose email is still to send. */
    static final String DUE = "ALERTDUE";
    /** Sends tried before a notice is given up (logged and counted as AlertLost): about 17 hours of waits. */
    static final int MAX_ATTEMPTS = 12;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LowBalanceAlerts.class);

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
    private java.time.Clock clock = java.time.Clock.systemUTC();

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
                // Due at once for the sweeper's next look, until this send is known to have gone out.
                notice.put("DuePK", AttributeValue.fromS(DUE));
                notice.put("DueAt", AttributeValue.fromN(Long.toString(clock.instant().getEpochSecond() + 60)));
                notice.put("companyId", AttributeValue.fromS(companyId));
                notice.put("attempts", AttributeValue.fromN("0"));
                try {
                    db.putItem(p -> p.tableName(table).conditionExpression("attribute_not_exists(PK)").item(notice));
                } catch (ConditionalCheckFailedException alreadyTold) {
                    return;
                }
                try {
                    send(companyId, availableAfter, 0);
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

    /** Another clock (tests: the sweeper's retries in time). */
    public LowBalanceAlerts withClock(java.time.Clock clock) {
        this.clock = clock;
        return this;
    }

    /**
     * Sends the email of a notice ({@code attempts}: tries before this one). Sent: the notice is no
     * longer due. Failed: due again after a wait doubling from a minute (at most an hour), or given
     * up after {@link #MAX_ATTEMPTS}. Never throws: the money movement that crossed is done.
     */
    private boolean send(String companyId, long available, long attempts) {
        Map<String, AttributeValue> key = CreditItems.key(companyId, NOTICE);
        try {
            mailer.send(adminEmails.apply(companyId), LowBalanceRule.subject(), LowBalanceRule.text(available, threshold));
        } catch (RuntimeException failed) {
            long tried = attempts + 1;
            boolean giveUp = tried >= MAX_ATTEMPTS;
            LOG.warn("The low-balance email of {} was not sent (attempt {}): {}{}", companyId, tried, failed.toString(),
                    giveUp ? "; given up" : "; tried again later");
            com.image2model.platform.Metrics.count(giveUp ? "AlertLost" : "AlertRetried", 1);
            long wait = Math.min(3600, 60L << Math.min(6, tried - 1));
            try {
                db.updateItem(u -> u.tableName(table).key(key).conditionExpression("attribute_exists(PK)")
                        .updateExpression(giveUp ? "SET attempts = :n, lostAt = :now REMOVE DuePK, DueAt" : "SET attempts = :n, DueAt = :due")
                        .expressionAttributeValues(giveUp
                                ? Map.of(":n", AttributeValue.fromN(Long.toString(tried)),
                                        ":now", AttributeValue.fromS(clock.instant().toString()))
                                : Map.of(":n", AttributeValue.fromN(Long.toString(tried)),
                                        ":due", AttributeValue.fromN(Long.toString(clock.instant().getEpochSecond() + wait)))));
            } catch (ConditionalCheckFailedException backAbove) {
                // The balance came back above meanwhile: nothing is owed.
            } catch (RuntimeException unrecorded) {
                // Still due as it was: the sweeper tries it at its old time.
                LOG.warn("The retry of {}'s low-balance email was not recorded: {}", companyId, unrecorded.toString());
            }
            return false;
        }
        try {
            db.updateItem(u -> u.tableName(table).key(key).conditionExpression("attribute_exists(PK)")
                    .updateExpression("SET sentAt = :now REMOVE DuePK, DueAt")
                    .expressionAttributeValues(Map.of(":now", AttributeValue.fromS(clock.instant().toString()))));
        } catch (ConditionalCheckFailedException backAbove) {
            // Deleted meanwhile (back above): nothing left to mark.
        } catch (RuntimeException unrecorded) {
            // Left due: at worst the sweeper sends it a second time.
            LOG.warn("The low-balance email of {} went out but was not marked sent: {}", companyId, unrecorded.toString());
        }
        return true;
    }

    /** The sweeper's part: sends again every notice whose email is due (failed before, or never known sent). */
    public Map<String, Object> retryDue(java.time.Instant now, int limit) {
        int sent = 0;
        int failed = 0;
        List<Map<String, AttributeValue>> due = db.query(q -> q.tableName(table).indexName("Due")
                .keyConditionExpression("DuePK = :p AND DueAt <= :now")
                .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(DUE), ":now", AttributeValue.fromN(Long.toString(now.getEpochSecond()))))
                .limit(limit)).items();
        for (Map<String, AttributeValue> entry : due) {
            String companyId = entry.containsKey("companyId") ? entry.get("companyId").s() : null;
            if (companyId == null) {
                continue;
            }
            // The index lags the table: act on the notice as it is now.
            Map<String, AttributeValue> notice = db.getItem(g -> g.tableName(table).key(CreditItems.key(companyId, NOTICE)).consistentRead(true))
                    .item();
            if (notice == null || notice.isEmpty() || !notice.containsKey("DueAt")
                    || Long.parseLong(notice.get("DueAt").n()) > now.getEpochSecond()) {
                continue;
            }
            long attempts = notice.containsKey("attempts") ? Long.parseLong(notice.get("attempts").n()) : 0;
            if (send(companyId, Long.parseLong(notice.get("available").n()), attempts)) {
                sent++;
            } else {
                failed++;
            }
        }
        return Map.of("alertsSent", sent, "alertsFailed", failed);
    }
}
