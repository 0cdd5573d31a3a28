package com.image2model.billing;

import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.image2model.company.CompanyStore;
import com.image2model.platform.TableKeys;
import com.image2model.platform.TableTransaction;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import static com.image2model.platform.DynamoItems.key;
import static com.image2model.platform.DynamoItems.n;
import static com.image2model.platform.DynamoItems.num;
import static com.image2model.platform.DynamoItems.s;
import static com.image2model.platform.DynamoItems.str;

/**
 * Billing's items, built and read in this one place: {@code STRIPESESSION#<id>} (what a checkout
 * asked Stripe for), {@code STRIPECUS#<id>} (the one company of a Stripe customer),
 * {@code C#<company>/PAYMENT#<payment intent>} (a pack's payment, found by its intent through
 * GSI1), {@code C#<company>|SYSTEM#STRIPE / STRIPEEVENT#<id>} (an event acted on) and
 * {@code BILLING#<month> / <object>} (what each paid object granted, for reconciliation). The
 * company item's billing fields are the company store's to write; this asks it.
 */
public final class BillingStore {

    static final String SESSION_PREFIX = "STRIPESESSION#";
    static final String CUSTOMER_PREFIX = "STRIPECUS#";
    static final String PAYMENT_PREFIX = "PAYMENT#";
    static final String SYSTEM_EVENTS = "SYSTEM#STRIPE";
    static final long EVENT_DAYS = 90;

    /** What a checkout asked Stripe for. */
    public record Session(String sessionId, String companyId, String item, long quantity, String customer, long amountCents, String currency,
                          String mode) {
        boolean payment() {
            return "payment".equals(mode);
        }
    }

    /** A pack's payment: what it granted, and how much of it refunds have taken back. */
    public record Payment(String companyId, String sortKey, long credits, long amountCents, String item, long refundedCredits) {
    }

    /** What one paid (or refunded) Stripe object granted in a month. */
    public record MonthRecord(String object, String companyId, long credits, long paidCents, long listCents) {
    }

    private final DynamoDbClient db;
    private final String table;
    private final CompanyStore companies;
    private final Clock clock;

    public BillingStore(DynamoDbClient db, String table, CompanyStore companies, Clock clock) {
        this.db = db;
        this.table = table;
        this.companies = companies;
        this.clock = clock;
    }

    public Optional<CompanyStore.BillingFields> company(String companyId) {
        return companies.billing(companyId);
    }

    public CompanyStore companies() {
        return companies;
    }

    // ------------------------------------------------------------------ sessions

    /** Records a session before its URL is handed out; refuses an id already recorded for another company. */
    public void rememberSession(Session session) {
        Map<String, AttributeValue> record = new HashMap<>(Map.of("PK", s(SESSION_PREFIX + session.sessionId()), "SK", s("SESSION"),
                "companyId", s(session.companyId()), "item", s(session.item()), "quantity", n(session.quantity()),
                "customer", s(session.customer()), "amountCents", n(session.amountCents()), "currency", s(session.currency()),
                "mode", s(session.mode()), "createdAt", s(clock.instant().toString())));
        try {
            db.putItem(p -> p.tableName(table).item(record).conditionExpression("attribute_not_exists(PK) OR companyId = :c")
                    .expressionAttributeValues(Map.of(":c", s(session.companyId()))));
        } catch (ConditionalCheckFailedException foreign) {
            // Stripe gave a session id we hold for another company: never hand that URL out.
            throw new IllegalStateException("Checkout session " + session.sessionId() + " is already recorded for another company");
        }
    }

    public Optional<Session> session(String sessionId) {
        return Optional.ofNullable(get(SESSION_PREFIX + sessionId, "SESSION")).map(item -> new Session(sessionId, str(item, "companyId"),
                str(item, "item"), num(item, "quantity"), str(item, "customer"), num(item, "amountCents"), str(item, "currency"),
                str(item, "mode")));
    }

    // ------------------------------------------------------------------ customers

    /**
     * Links a Stripe customer to a company, in one transaction with the customer's own item, so
     * that a customer belongs to exactly one company and a company has one customer. Answers
     * false when the company already has a customer (or is gone); refuses a customer that belongs
     * to another company.
     */
    public boolean linkCustomer(String companyId, String customer) {
        TableTransaction link = TableTransaction.empty().add(TransactWriteItem.builder().put(p -> p.tableName(table)
                        .item(Map.of("PK", s(CUSTOMER_PREFIX + customer), "SK", s("CUSTOMER"), "companyId", s(companyId)))
                        .conditionExpression("attribute_not_exists(PK) OR companyId = :co")
                        .expressionAttributeValues(Map.of(":co", s(companyId)))).build())
                .join(companies.linkCustomer(companyId, customer));
        TableTransaction.Outcome outcome = link.commit(db);
        if (outcome.committed()) {
            return true;
        }
        if (outcome.refusedPart() == 0) {
            throw new IllegalStateException("Stripe customer " + customer + " belongs to another company");
        }
        // The company has a customer already, is gone, or was linked concurrently: the caller reads which.
        return false;
    }

    /** The company a Stripe customer belongs to (our record), or null. */
    public String customerCompany(String customer) {
        Map<String, AttributeValue> record = customer == null ? null : get(CUSTOMER_PREFIX + customer, "CUSTOMER");
        return record == null ? null : str(record, "companyId");
    }

    public void forgetCustomer(String customer) {
        db.deleteItem(d -> d.tableName(table).key(key(CUSTOMER_PREFIX + customer, "CUSTOMER")));
    }

    // ------------------------------------------------------------------ payments

    public void recordPayment(String companyId, String paymentIntent, long credits, long amountCents, String item, String sessionId) {
        Map<String, AttributeValue> payment = new HashMap<>(Map.of("PK", s(TableKeys.company(companyId)), "SK", s(PAYMENT_PREFIX + paymentIntent),
                "GSI1PK", s("STRIPEPI#" + paymentIntent), "GSI1SK", s("PAYMENT"), "companyId", s(companyId), "credits", n(credits),
                "amountCents", n(amountCents), "item", s(item), "session", s(sessionId)));
        db.putItem(p -> p.tableName(table).item(payment));
    }

    public Optional<Payment> payment(String paymentIntent) {
        if (paymentIntent == null) {
            return Optional.empty();
        }
        var found = db.query(q -> q.tableName(table).indexName("GSI1").keyConditionExpression("GSI1PK = :g AND GSI1SK = :s")
                .expressionAttributeValues(Map.of(":g", s("STRIPEPI#" + paymentIntent), ":s", s("PAYMENT")))).items();
        if (found.isEmpty()) {
            return Optional.empty();
        }
        return Optional.ofNullable(get(found.get(0).get("PK").s(), found.get(0).get("SK").s())).map(item -> new Payment(str(item, "companyId"),
                str(item, "SK"), num(item, "credits"), num(item, "amountCents"), str(item, "item"), num(item, "refundedCredits")));
    }

    /**
     * The write that moves the payment's refunded total from what was read ({@code payment}) to
     * {@code refundedCredits}, only while it still holds what was read: joined to the ledger's
     * refund, two refunds of one charge delivered at once never both take back the same credits.
     */
    public TableTransaction refundedCreditsWrite(Payment payment, long refundedCredits) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":r", n(refundedCredits), ":read", n(payment.refundedCredits())));
        String unchanged = payment.refundedCredits() == 0 ? "(attribute_not_exists(refundedCredits) OR refundedCredits = :read)"
                : "refundedCredits = :read";
        return TableTransaction.empty().add(TransactWriteItem.builder().update(u -> u.tableName(table)
                .key(key(TableKeys.company(payment.companyId()), payment.sortKey()))
                .updateExpression("SET refundedCredits = :r").conditionExpression("attribute_exists(PK) AND " + unchanged)
                .expressionAttributeValues(values)).build());
    }

    // ------------------------------------------------------------------ events

    private static String eventsOf(String companyId) {
        return companyId == null ? SYSTEM_EVENTS : TableKeys.company(companyId);
    }

    public boolean eventSeen(String companyId, String eventId) {
        return get(eventsOf(companyId), "STRIPEEVENT#" + eventId) != null;
    }

    /** Records that the event was acted on; false when a parallel delivery recorded it first. */
    public boolean recordEvent(String companyId, String eventId, String type, String outcome) {
        Map<String, AttributeValue> record = new HashMap<>(Map.of("PK", s(eventsOf(companyId)), "SK", s("STRIPEEVENT#" + eventId),
                "type", s(type), "outcome", s(outcome), "at", s(clock.instant().toString())));
        record.put("ttl", n(clock.instant().plusSeconds(EVENT_DAYS * 86400).getEpochSecond()));
        try {
            db.putItem(p -> p.tableName(table).item(record).conditionExpression("attribute_not_exists(PK)"));
            return true;
        } catch (ConditionalCheckFailedException meanwhile) {
            return false;
        }
    }

    // ------------------------------------------------------------------ events held while billing is off

    private static final String HELD = "STRIPEHELD";

    /** A verified event kept, unacted, while billing is off (its payload as Stripe sent it); a repeat keeps one. */
    public void holdEvent(String eventId, long created, String payload) {
        Map<String, AttributeValue> item = new HashMap<>(Map.of("PK", s(HELD), "SK", s(String.format("%012d", created) + "#" + eventId),
                "payload", s(payload), "heldAt", s(clock.instant().toString())));
        db.putItem(p -> p.tableName(table).item(item));
    }

    /** Held events, oldest first: {key, payload}. */
    public List<String[]> heldEvents(int limit) {
        List<String[]> held = new ArrayList<>();
        db.query(q -> q.tableName(table).consistentRead(true).keyConditionExpression("PK = :p").expressionAttributeValues(Map.of(":p", s(HELD)))
                .limit(limit)).items().forEach(item -> held.add(new String[] {item.get("SK").s(), str(item, "payload")}));
        return held;
    }

    /** A held event was acted on. */
    public void forgetHeld(String key) {
        db.deleteItem(d -> d.tableName(table).key(Map.of("PK", s(HELD), "SK", s(key))));
    }

    // ------------------------------------------------------------------ billing months

    /** Records what a Stripe object granted, once per object, and adds its payment to the company's revenue. */
    public void recordMonth(long epochSecond, String object, String companyId, String item, long credits, long paidCents, long listCents) {
        String month = YearMonth.from(Instant.ofEpochSecond(epochSecond).atZone(ZoneOffset.UTC)).toString();
        Map<String, AttributeValue> record = new HashMap<>(Map.of("PK", s("BILLING#" + month), "SK", s(object), "companyId", s(companyId),
                "item", s(item == null ? "" : item), "credits", n(credits), "paidCents", n(paidCents), "listCents", n(listCents),
                "at", s(clock.instant().toString())));
        try {
            db.putItem(p -> p.tableName(table).item(record).conditionExpression("attribute_not_exists(PK)"));
        } catch (ConditionalCheckFailedException recorded) {
            // The same Stripe object, recorded once (and counted once below).
            return;
        }
        companies.addRevenue(companyId, paidCents);
    }

    public List<MonthRecord> month(YearMonth month) {
        List<MonthRecord> records = new ArrayList<>();
        db.queryPaginator(q -> q.tableName(table).keyConditionExpression("PK = :pk")
                        .expressionAttributeValues(Map.of(":pk", s("BILLING#" + month))))
                .items().forEach(item -> records.add(new MonthRecord(item.get("SK").s(), str(item, "companyId"), num(item, "credits"),
                        num(item, "paidCents"), num(item, "listCents"))));
        return records;
    }

    private Map<String, AttributeValue> get(String pk, String sk) {
        Map<String, AttributeValue> item = db.getItem(g -> g.tableName(table).key(key(pk, sk)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? null : item;
    }
}
