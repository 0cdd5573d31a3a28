package com.image2model.billing;

import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.image2model.credits.Catalog;
import com.image2model.credits.CreditLedger;
import com.image2model.platform.ApiException;

import static com.image2model.platform.DynamoItems.bool;
import static com.image2model.platform.DynamoItems.key;
import static com.image2model.platform.DynamoItems.n;
import static com.image2model.platform.DynamoItems.num;
import static com.image2model.platform.DynamoItems.s;
import static com.image2model.platform.DynamoItems.str;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import tools.jackson.databind.JsonNode;

/**
 * What Stripe's money means for the ledger and the company. Checkout and portal sessions are made
 * for the caller's own company; Stripe's events are acted on once each (the event id is recorded
 * after acting, and every grant is idempotent by its Stripe object), and credits always come from
 * the catalog, never from what a client or an event says.
 *
 * <p>Subscription events are not trusted for their order: each one makes us fetch the subscription
 * from Stripe and store what it says now, and a fetch older than the stored one is refused.
 */
public final class Billing {

    private static final Logger LOG = LoggerFactory.getLogger(Billing.class);

    /** The company's billing state, as stored on its item. */
    public record State(String customerId, String plan, int seats, String subscriptionId, String status, long currentPeriodEnd,
                        boolean cancelAtPeriodEnd, boolean pastDue) {
    }

    private final DynamoDbClient db;
    private final String table;
    private final StripeApi stripe;
    private final CreditLedger ledger;
    private final Catalog catalog;
    private final Function<String, Integer> activeMembers;
    private final Consumer<String[]> notifyAdmins;
    private final Clock clock;

    /**
     * @param activeMembers a company's number of active members (seats follow it)
     * @param notifyAdmins  {company, subject, text}: an email to the company's active admins
     */
    public Billing(DynamoDbClient db, String table, StripeApi stripe, CreditLedger ledger, Catalog catalog,
                   Function<String, Integer> activeMembers, Consumer<String[]> notifyAdmins, Clock clock) {
        this.db = db;
        this.table = table;
        this.stripe = stripe;
        this.ledger = ledger;
        this.catalog = catalog;
        this.activeMembers = activeMembers;
        this.notifyAdmins = notifyAdmins;
        this.clock = clock;
    }

    // ------------------------------------------------------------------ for the site

    public List<Map<String, Object>> plans() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Catalog.Item item : catalog.items()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("item", item.id());
            entry.put("kind", item.kind());
            entry.put("name", item.name());
            if (item.plan()) {
                entry.put("perSeat", item.perSeat());
                entry.put("priceCents", item.priceCents());
                entry.put("interval", "month");
                entry.put("creditsPerSeat", item.creditsPerSeat());
                if (item.id().equals(Catalog.UNLIMITED_PLAN)) {
                    entry.put("fairUseImagesPerMonth", catalog.fairUseImagesPerMonth());
                }
            } else {
                entry.put("credits", item.credits());
                entry.put("priceCents", item.priceCents());
            }
            entry.put("currency", Catalog.CURRENCY);
            out.add(entry);
        }
        return out;
    }

    public State state(String companyId) {
        Map<String, AttributeValue> item = companyItem(companyId);
        return new State(str(item, "stripeCustomerId"), str(item, "plan"), (int) num(item, "seats"), str(item, "subscriptionId"),
                str(item, "subscriptionStatus"), num(item, "currentPeriodEnd"), bool(item, "cancelAtPeriodEnd"), bool(item, "pastDue"));
    }

    /** Whether the company has a plan Stripe still charges for (anything but ended or never started). */
    public boolean planActive(String companyId) {
        State state = state(companyId);
        return state.plan() != null && state.status() != null
                && !java.util.Set.of("canceled", "incomplete_expired").contains(state.status());
    }

    /** Deletes the company's Stripe customer (Stripe cancels its subscriptions) and the link to it; nothing when it has none. */
    public void forgetCustomer(String companyId) {
        State state = state(companyId);
        if (state.customerId() == null) {
            return;
        }
        try {
            stripe.delete("/v1/customers/" + state.customerId());
        } catch (StripeApi.Failed e) {
            if (e.status() != 404) {
                throw e;
            }
            // Already deleted (a retried erasure).
        }
        db.deleteItem(d -> d.tableName(table).key(com.image2model.platform.DynamoItems.key(CUSTOMER_PREFIX + state.customerId(), "CUSTOMER")));
    }

    /** A Checkout Session for the company's own purchase; answers its URL. */
    public String checkout(String companyId, String itemId, Integer seats, String requestId, String successUrl, String cancelUrl) {
        Catalog.Item item = catalog.item(itemId == null ? "" : itemId)
                .orElseThrow(() -> new ApiException(400, "unknown_item", "item must be one of " + catalog.items().stream().map(Catalog.Item::id).toList() + "."));
        State state = state(companyId);
        int quantity = 1;
        if (item.plan()) {
            if (state.subscriptionId() != null && !"canceled".equals(state.status()) && !"incomplete_expired".equals(state.status())) {
                throw new ApiException(409, "already_subscribed", "The company already has a subscription (" + state.plan()
                        + "): change its plan or seats in the billing portal.");
            }
            if (item.perSeat()) {
                quantity = seats == null ? Math.max(1, activeMembers.apply(companyId)) : seats;
                if (quantity < 1 || quantity > MAX_SEATS) {
                    throw new ApiException(400, "invalid_seats", "seats must be from 1 to " + MAX_SEATS + ".");
                }
            }
        } else if (seats != null && seats != 1) {
            throw new ApiException(400, "invalid_seats", "A credit pack has no seats.");
        }
        String customer = customer(companyId, state);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("mode", item.plan() ? "subscription" : "payment");
        params.put("customer", customer);
        params.put("client_reference_id", companyId);
        params.put("success_url", successUrl);
        params.put("cancel_url", cancelUrl);
        params.put("line_items", List.of(Map.of("price", item.price(stripe.live()), "quantity", quantity)));
        Map<String, Object> metadata = Map.of("company", companyId, "item", item.id(), "seats", String.valueOf(quantity));
        params.put("metadata", metadata);
        params.put(item.plan() ? "subscription_data" : "payment_intent_data", Map.of("metadata", metadata));
        JsonNode session = stripe.post("/v1/checkout/sessions", params, "checkout-" + companyId + "-" + requestId);
        rememberSession(session.path("id").asString(), companyId, item, quantity, customer);
        return session.path("url").asString();
    }

    /**
     * What we asked Stripe for, kept under the session's id before its URL is given out: the paid
     * event's company, item, customer and amount are checked against this, never taken from the
     * event's metadata alone (a delivered event can be re-addressed, and metadata can be edited).
     */
    private void rememberSession(String sessionId, String companyId, Catalog.Item item, int quantity, String customer) {
        if (sessionId == null || sessionId.isBlank()) {
            throw new IllegalStateException("Stripe answered a checkout session without an id");
        }
        Map<String, AttributeValue> record = new HashMap<>(Map.of("PK", s(SESSION_PREFIX + sessionId), "SK", s("SESSION"),
                "companyId", s(companyId), "item", s(item.id()), "quantity", n(quantity), "customer", s(customer),
                "amountCents", n(item.priceCents() * quantity), "currency", s(Catalog.CURRENCY),
                "mode", s(item.plan() ? "subscription" : "payment"), "createdAt", s(clock.instant().toString())));
        try {
            db.putItem(p -> p.tableName(table).item(record).conditionExpression("attribute_not_exists(PK) OR companyId = :c")
                    .expressionAttributeValues(Map.of(":c", s(companyId))));
        } catch (ConditionalCheckFailedException foreign) {
            // Stripe gave a session id we hold for another company: never hand that URL out.
            throw new IllegalStateException("Checkout session " + sessionId + " is already recorded for another company");
        }
    }

    /** The most seats one subscription may have. */
    public static final int MAX_SEATS = 1000;

    static final String SESSION_PREFIX = "STRIPESESSION#";
    static final String CUSTOMER_PREFIX = "STRIPECUS#";

    /** A Customer Portal session (payment method, invoices, cancel, seats); answers its URL. */
    public String portal(String companyId, String returnUrl) {
        State state = state(companyId);
        if (state.customerId() == null) {
            throw new ApiException(409, "no_billing_account", "The company has bought nothing yet: there is no billing account to manage.");
        }
        return stripe.post("/v1/billing_portal/sessions", Map.of("customer", state.customerId(), "return_url", returnUrl), null)
                .path("url").asString();
    }

    private String customer(String companyId, State state) {
        if (state.customerId() != null) {
            return state.customerId();
        }
        JsonNode created = stripe.post("/v1/customers", Map.of("metadata", Map.of("company", companyId), "description", "Image2Model company " + companyId),
                "customer-" + companyId);
        String id = created.path("id").asString();
        if (linkCustomer(companyId, id)) {
            return id;
        }
        // The same idempotency key gave the same customer; or the company vanished.
        String stored = state(companyId).customerId();
        if (stored == null) {
            throw new ApiException(404, "not_found", "Company not found.");
        }
        return stored;
    }

    /** Seats follow membership: the subscription's quantity becomes the number of active members (prorated by Stripe). */
    public void syncSeats(String companyId) {
        State state = state(companyId);
        if (state.subscriptionId() == null || !List.of("active", "trialing", "past_due").contains(state.status())) {
            return;
        }
        Optional<Catalog.Item> plan = catalog.item(state.plan() == null ? "" : state.plan());
        if (plan.isEmpty() || !plan.get().perSeat()) {
            return;
        }
        int members = Math.max(1, activeMembers.apply(companyId));
        JsonNode subscription = stripe.get("/v1/subscriptions/" + state.subscriptionId(), null);
        JsonNode item = subscription.at("/items/data/0");
        if (item.path("quantity").asInt() == members) {
            return;
        }
        stripe.post("/v1/subscriptions/" + state.subscriptionId(), Map.of("items", List.of(Map.of("id", item.path("id").asString(),
                "quantity", members)), "proration_behavior", "create_prorations"), "seats-" + state.subscriptionId() + "-" + members + "-"
                + clock.millis() / 60_000);
        refreshSubscription(companyId, state.subscriptionId());
    }

    // ------------------------------------------------------------------ Stripe's events

    /** Acts on one verified event; answers what was done (for the log and the answer). */
    public String handle(JsonNode event) {
        String eventId = event.path("id").asString("");
        String type = event.path("type").asString("");
        JsonNode object = event.path("data").path("object");
        // A checkout session's company is the one that created it (our record), never what the event says.
        Map<String, AttributeValue> sessionRecord = type.startsWith("checkout.session.")
                ? get(SESSION_PREFIX + object.path("id").asString(""), "SESSION") : null;
        String companyId = type.startsWith("checkout.session.") ? (sessionRecord == null ? null : str(sessionRecord, "companyId"))
                : companyOf(object);
        String recordPk = companyId == null ? "SYSTEM#STRIPE" : "C#" + companyId;
        if (get(recordPk, "STRIPEEVENT#" + eventId) != null) {
            return "duplicate";
        }
        String outcome = switch (type) {
            case "checkout.session.completed", "checkout.session.async_payment_succeeded" -> sessionPaid(companyId, sessionRecord, object);
            case "invoice.paid" -> invoicePaid(companyId, object);
            case "invoice.payment_failed" -> paymentFailed(companyId, object);
            case "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted" ->
                    companyId == null ? "unknown company" : refreshSubscription(companyId, object.path("id").asString());
            case "charge.refunded" -> refunded(companyId, object);
            case "charge.dispute.created" -> disputed(companyId, object);
            default -> "ignored";
        };
        Map<String, AttributeValue> record = new HashMap<>(Map.of("PK", s(recordPk), "SK", s("STRIPEEVENT#" + eventId), "type", s(type),
                "outcome", s(outcome), "at", s(clock.instant().toString())));
        record.put("ttl", n(clock.instant().plusSeconds(90L * 86400).getEpochSecond()));
        try {
            db.putItem(p -> p.tableName(table).item(record).conditionExpression("attribute_not_exists(PK)"));
        } catch (ConditionalCheckFailedException meanwhile) {
            // A parallel delivery finished first: every action above is idempotent, nothing was done twice.
            return "duplicate";
        }
        return outcome;
    }

    /** {@code record}: what we stored when we created the session ({@link #rememberSession}), or null. */
    private String sessionPaid(String companyId, Map<String, AttributeValue> record, JsonNode session) {
        String sessionId = session.path("id").asString("");
        if (companyId == null || record == null) {
            return refused("unknown session", "Paid checkout session " + sessionId + " was not created by us");
        }
        String named = session.path("metadata").path("company").asString(null);
        if (named != null && !named.equals(companyId)) {
            // Re-addressed: the session stays with the company that created it, and is granted once.
            LOG.error("Checkout session {} names company {} in its metadata but was created by {}: granted to its creator only",
                    sessionId, named, companyId);
        }
        if (!"paid".equals(session.path("payment_status").asString(""))) {
            return "not paid yet";
        }
        String customer = session.path("customer").asString(null);
        if (customer != null && !customer.equals(str(record, "customer"))) {
            return refused("customer differs", "Checkout session " + sessionId + " was paid by customer " + customer
                    + ", not the company's " + str(record, "customer"));
        }
        long paid = session.path("amount_total").asLong(-1);
        String currency = session.path("currency").asString("");
        if (paid != num(record, "amountCents") || !Catalog.CURRENCY.equalsIgnoreCase(currency)) {
            return refused("amount differs", "Checkout session " + sessionId + " was paid " + paid + " " + currency + "; the catalog says "
                    + num(record, "amountCents") + " " + Catalog.CURRENCY + " for " + str(record, "item") + " x" + num(record, "quantity"));
        }
        if (!"payment".equals(str(record, "mode"))) {
            String subscription = session.path("subscription").asString(null);
            return subscription == null ? "subscription pending" : refreshSubscription(companyId, subscription);
        }
        Catalog.Item item = catalog.item(str(record, "item")).orElse(null);
        if (item == null || item.plan()) {
            return refused("unknown item", "Paid session " + sessionId + " is for no pack of the catalog: " + str(record, "item"));
        }
        ledger.purchase(companyId, item.credits(), sessionId, sessionId);
        String paymentIntent = session.path("payment_intent").asString(null);
        if (paymentIntent != null) {
            Map<String, AttributeValue> payment = new HashMap<>(Map.of("PK", s("C#" + companyId), "SK", s("PAYMENT#" + paymentIntent),
                    "GSI1PK", s("STRIPEPI#" + paymentIntent), "GSI1SK", s("PAYMENT"), "companyId", s(companyId), "credits", n(item.credits()),
                    "amountCents", n(paid), "item", s(item.id()), "session", s(sessionId)));
            db.putItem(p -> p.tableName(table).item(payment));
        }
        recordMonth(session.path("created").asLong(clock.instant().getEpochSecond()), "SESSION#" + sessionId, companyId, item.id(),
                item.credits(), paid, item.priceCents());
        return "purchased " + item.credits();
    }

    /**
     * A paid object we do not act on: logged as an error with a fixed marker (the alarm's metric
     * filter), answered 200 so that Stripe stops delivering it; the reconciliation report lists it.
     */
    private static String refused(String outcome, String why) {
        LOG.error("PAYMENT_REFUSED {}: {}", outcome, why);
        return "refused: " + outcome;
    }

    private String invoicePaid(String companyId, JsonNode invoice) {
        if (companyId == null) {
            return "unknown company";
        }
        JsonNode line = invoice.at("/lines/data/0");
        String price = line.at("/pricing/price_details/price").asString(null);
        Catalog.Item plan = catalog.itemOfPrice(price).orElse(null);
        if (plan == null || !plan.plan()) {
            LOG.error("Paid invoice {} is for no plan of the catalog (price {})", invoice.path("id").asString(), price);
            return "unknown price";
        }
        int seats = Math.max(1, line.path("quantity").asInt(1));
        String reason = invoice.path("billing_reason").asString("");
        long expected = plan.priceCents() * (plan.perSeat() ? seats : 1);
        if (!Catalog.CURRENCY.equalsIgnoreCase(invoice.path("currency").asString(""))
                || ((reason.equals("subscription_create") || reason.equals("subscription_cycle")) && line.path("amount").asLong(-1) != expected)) {
            return refused("amount differs", "Invoice " + invoice.path("id").asString() + " (" + reason + ") charges "
                    + line.path("amount").asLong(-1) + " " + invoice.path("currency").asString("") + " for " + plan.id() + " x" + seats
                    + "; the catalog says " + expected + " " + Catalog.CURRENCY);
        }
        String invoiceId = invoice.path("id").asString();
        long credits = plan.perSeat() ? catalog.includedCredits(plan.id(), seats) : 0;
        if (credits > 0) {
            ledger.grantPlanCredits(companyId, catalog, plan.id(), seats, invoiceId);
        }
        if (bool(companyItem(companyId), "pastDue")) {
            db.updateItem(u -> u.tableName(table).key(key("C#" + companyId, "COMPANY")).updateExpression("REMOVE pastDue"));
        }
        recordMonth(invoice.path("created").asLong(clock.instant().getEpochSecond()), "INVOICE#" + invoiceId, companyId, plan.id(), credits,
                invoice.path("amount_paid").asLong(0), plan.priceCents() * (plan.perSeat() ? seats : 1));
        return credits > 0 ? "granted " + credits : "paid";
    }

    private String paymentFailed(String companyId, JsonNode invoice) {
        if (companyId == null) {
            return "unknown company";
        }
        boolean first = false;
        try {
            db.updateItem(u -> u.tableName(table).key(key("C#" + companyId, "COMPANY")).updateExpression("SET pastDue = :t")
                    .conditionExpression("attribute_exists(PK) AND (attribute_not_exists(pastDue) OR pastDue = :f)")
                    .expressionAttributeValues(Map.of(":t", AttributeValue.fromBool(true), ":f", AttributeValue.fromBool(false))));
            first = true;
        } catch (ConditionalCheckFailedException already) {
            // Already past due: admins were told.
        }
        if (first) {
            notifyAdmins.accept(new String[] {companyId, "Image2Model: your payment failed",
                    "Stripe could not take the payment of invoice " + invoice.path("number").asString(invoice.path("id").asString())
                            + ". Update your payment method in the billing portal to keep your plan."});
        }
        return "past due";
    }

    private String refunded(String companyId, JsonNode charge) {
        Optional<Map<String, AttributeValue>> payment = payment(charge.path("payment_intent").asString(null));
        if (payment.isEmpty()) {
            return "no purchase";
        }
        String company = str(payment.get(), "companyId");
        long credits = num(payment.get(), "credits");
        long amount = Math.max(1, charge.path("amount").asLong(num(payment.get(), "amountCents")));
        long refundedCents = charge.path("amount_refunded").asLong(0);
        long creditsBack = Math.round((double) credits * refundedCents / amount);
        long already = num(payment.get(), "refundedCredits");
        long now = creditsBack - already;
        if (now <= 0) {
            return "already refunded";
        }
        ledger.refund(company, now, charge.path("id").asString(), charge.path("id").asString() + "#" + refundedCents);
        db.updateItem(u -> u.tableName(table).key(key("C#" + company, str(payment.get(), "SK")))
                .updateExpression("SET refundedCredits = :r").expressionAttributeValues(Map.of(":r", n(creditsBack))));
        recordMonth(clock.instant().getEpochSecond(), "REFUND#" + charge.path("id").asString() + "#" + refundedCents, company,
                str(payment.get(), "item"), -now, -(refundedCents - Math.round((double) already * amount / Math.max(1, credits))), 0);
        return "refunded " + now;
    }

    private String disputed(String companyId, JsonNode dispute) {
        Optional<Map<String, AttributeValue>> payment = payment(dispute.path("payment_intent").asString(null));
        if (payment.isEmpty()) {
            return "no purchase";
        }
        String company = str(payment.get(), "companyId");
        long open = num(payment.get(), "credits") - num(payment.get(), "refundedCredits");
        if (open <= 0) {
            return "already refunded";
        }
        ledger.refund(company, open, dispute.path("id").asString(), dispute.path("id").asString());
        db.updateItem(u -> u.tableName(table).key(key("C#" + company, str(payment.get(), "SK")))
                .updateExpression("SET refundedCredits = :r").expressionAttributeValues(Map.of(":r", n(num(payment.get(), "credits")))));
        recordMonth(clock.instant().getEpochSecond(), "DISPUTE#" + dispute.path("id").asString(), company, str(payment.get(), "item"),
                -open, -dispute.path("amount").asLong(0), 0);
        return "disputed " + open;
    }

    /** Fetches the subscription and stores what it says now (a fetch older than the stored one changes nothing). */
    String refreshSubscription(String companyId, String subscriptionId) {
        long fetchedAt = clock.millis();
        JsonNode subscription = stripe.get("/v1/subscriptions/" + subscriptionId, null);
        JsonNode item = subscription.at("/items/data/0");
        Catalog.Item plan = catalog.itemOfPrice(item.at("/price/id").asString(null)).orElse(null);
        String status = subscription.path("status").asString("");
        boolean ended = status.equals("canceled") || status.equals("incomplete_expired");
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":sub", s(subscriptionId));
        values.put(":status", s(status));
        values.put(":seats", n(item.path("quantity").asLong(1)));
        values.put(":end", n(item.path("current_period_end").asLong(subscription.path("current_period_end").asLong(0))));
        values.put(":cancel", AttributeValue.fromBool(subscription.path("cancel_at_period_end").asBoolean(false)));
        values.put(":at", n(fetchedAt));
        // For the operators' revenue figures: when the subscription started and ended, and what it is worth a month.
        values.put(":started", n(subscription.path("start_date").asLong(subscription.path("created").asLong(clock.instant().getEpochSecond()))));
        String update = "SET subscriptionId = :sub, subscriptionStatus = :status, seats = :seats, currentPeriodEnd = :end, "
                + "cancelAtPeriodEnd = :cancel, billingSyncedAt = :at, subscriptionStartedAt = :started";
        if (plan != null) {
            update += ", subscriptionMonthlyCents = :monthly";
            values.put(":monthly", n(plan.priceCents() * (plan.perSeat() ? item.path("quantity").asLong(1) : 1)));
        }
        if (ended) {
            update += ", subscriptionEndedAt = if_not_exists(subscriptionEndedAt, :endedAt) REMOVE #plan";
            values.put(":endedAt", n(subscription.path("ended_at").asLong(clock.instant().getEpochSecond())));
        } else if (plan != null) {
            update += ", #plan = :plan REMOVE subscriptionEndedAt";
            values.put(":plan", s(plan.id()));
        }
        String finalUpdate = update;
        try {
            var request = software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest.builder().tableName(table)
                    .key(key("C#" + companyId, "COMPANY")).updateExpression(finalUpdate)
                    .conditionExpression("attribute_exists(PK) AND (attribute_not_exists(billingSyncedAt) OR billingSyncedAt <= :at)")
                    .expressionAttributeValues(values);
            if (finalUpdate.contains("#plan")) {
                // "plan" is one of DynamoDB's reserved words.
                request.expressionAttributeNames(Map.of("#plan", "plan"));
            }
            db.updateItem(request.build());
        } catch (ConditionalCheckFailedException newer) {
            return "older than stored";
        }
        return "subscription " + status + (plan == null ? "" : " " + plan.id()) + " x" + item.path("quantity").asLong(1);
    }

    /**
     * Links a Stripe customer to a company, in one transaction with the customer's own item, so
     * that a customer belongs to exactly one company and a company has one customer. Answers
     * false when the company already has a customer (or is gone); refuses a customer that belongs
     * to another company.
     */
    private boolean linkCustomer(String companyId, String customer) {
        try {
            db.transactWriteItems(t -> t.transactItems(
                    TransactWriteItem.builder().put(p -> p.tableName(table)
                            .item(Map.of("PK", s(CUSTOMER_PREFIX + customer), "SK", s("CUSTOMER"), "companyId", s(companyId)))
                            .conditionExpression("attribute_not_exists(PK) OR companyId = :co")
                            .expressionAttributeValues(Map.of(":co", s(companyId)))).build(),
                    TransactWriteItem.builder().update(u -> u.tableName(table).key(key("C#" + companyId, "COMPANY"))
                            .updateExpression("SET stripeCustomerId = :c")
                            .conditionExpression("attribute_exists(PK) AND attribute_not_exists(stripeCustomerId)")
                            .expressionAttributeValues(Map.of(":c", s(customer))))
                            .build()));
            return true;
        } catch (TransactionCanceledException cancelled) {
            if ("ConditionalCheckFailed".equals(cancelled.cancellationReasons().get(0).code())) {
                throw new IllegalStateException("Stripe customer " + customer + " belongs to another company");
            }
            return false;
        }
    }

    /** The company a Stripe customer belongs to (our record), or null. */
    private String customerCompany(String customer) {
        Map<String, AttributeValue> record = customer == null ? null : get(CUSTOMER_PREFIX + customer, "CUSTOMER");
        return record == null ? null : str(record, "companyId");
    }

    /**
     * The company an object is for: the company its Stripe customer belongs to (our record) when
     * it has one, and metadata must then agree; else our own metadata, for a company that exists.
     */
    private String companyOf(JsonNode object) {
        String owner = customerCompany(object.path("customer").asString(null));
        String named = namedCompany(object);
        if (owner != null) {
            if (named != null && !named.equals(owner)) {
                LOG.error("PAYMENT_REFUSED re-addressed: {} {} of customer {} (company {}) names company {}",
                        object.path("object").asString(""), object.path("id").asString(""), object.path("customer").asString(""), owner, named);
                return null;
            }
            return owner;
        }
        return named;
    }

    private String namedCompany(JsonNode object) {
        String company = object.path("metadata").path("company").asString(null);
        if (company == null) {
            company = object.path("client_reference_id").asString(null);
        }
        if (company == null) {
            company = object.at("/parent/subscription_details/metadata/company").asString(null);
        }
        if (company == null) {
            company = object.at("/subscription_details/metadata/company").asString(null);
        }
        if (company == null && object.has("payment_intent")) {
            company = payment(object.path("payment_intent").asString(null)).map(p -> str(p, "companyId")).orElse(null);
        }
        // Only a company that exists here counts (metadata is ours, but a test-mode event can come from anywhere).
        return company != null && get("C#" + company, "COMPANY") != null ? company : null;
    }

    private Optional<Map<String, AttributeValue>> payment(String paymentIntent) {
        if (paymentIntent == null) {
            return Optional.empty();
        }
        var found = db.query(q -> q.tableName(table).indexName("GSI1").keyConditionExpression("GSI1PK = :g AND GSI1SK = :s")
                .expressionAttributeValues(Map.of(":g", s("STRIPEPI#" + paymentIntent), ":s", s("PAYMENT")))).items();
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Map<String, AttributeValue> key = found.get(0);
        return Optional.ofNullable(get(key.get("PK").s(), key.get("SK").s()));
    }

    // ------------------------------------------------------------------ reconciliation

    private void recordMonth(long epochSecond, String sk, String companyId, String item, long credits, long paidCents, long listCents) {
        String month = YearMonth.from(Instant.ofEpochSecond(epochSecond).atZone(ZoneOffset.UTC)).toString();
        Map<String, AttributeValue> record = new HashMap<>(Map.of("PK", s("BILLING#" + month), "SK", s(sk), "companyId", s(companyId),
                "item", s(item == null ? "" : item), "credits", n(credits), "paidCents", n(paidCents), "listCents", n(listCents),
                "at", s(clock.instant().toString())));
        try {
            db.putItem(p -> p.tableName(table).item(record).conditionExpression("attribute_not_exists(PK)"));
        } catch (ConditionalCheckFailedException recorded) {
            // The same Stripe object, recorded once (and counted once below).
            return;
        }
        try {
            // The company's revenue to date, for the operators' directory.
            db.updateItem(u -> u.tableName(table).key(key("C#" + companyId, "COMPANY")).conditionExpression("attribute_exists(PK)")
                    .updateExpression("ADD revenueCents :paid").expressionAttributeValues(Map.of(":paid", n(paidCents))));
        } catch (ConditionalCheckFailedException gone) {
            // An erased company: the month's record stands alone.
        }
    }

    /**
     * Stripe's paid amounts for a month (completed checkout sessions of packs, paid invoices)
     * against what the ledger granted for them, listing every difference.
     */
    public Map<String, Object> reconcile(YearMonth month) {
        long from = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        long to = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        Map<String, Long> stripePaid = new LinkedHashMap<>();
        Map<String, String> stripeCompany = new HashMap<>();
        forEachPage("/v1/checkout/sessions", Map.of("status", "complete", "created", Map.of("gte", from, "lt", to)), session -> {
            if ("payment".equals(session.path("mode").asString("")) && "paid".equals(session.path("payment_status").asString(""))) {
                stripePaid.put("SESSION#" + session.path("id").asString(), session.path("amount_total").asLong(0));
                stripeCompany.put("SESSION#" + session.path("id").asString(), session.path("metadata").path("company").asString(""));
            }
        });
        forEachPage("/v1/invoices", Map.of("status", "paid", "created", Map.of("gte", from, "lt", to)), invoice -> {
            stripePaid.put("INVOICE#" + invoice.path("id").asString(), invoice.path("amount_paid").asLong(0));
            stripeCompany.put("INVOICE#" + invoice.path("id").asString(),
                    invoice.at("/parent/subscription_details/metadata/company").asString(""));
        });
        Map<String, Map<String, AttributeValue>> ledgerSide = new LinkedHashMap<>();
        db.queryPaginator(q -> q.tableName(table).keyConditionExpression("PK = :pk")
                        .expressionAttributeValues(Map.of(":pk", s("BILLING#" + month))))
                .items().forEach(item -> ledgerSide.put(item.get("SK").s(), item));

        List<Map<String, Object>> differences = new ArrayList<>();
        long stripeTotal = 0;
        long ledgerTotal = 0;
        for (Map.Entry<String, Long> paid : stripePaid.entrySet()) {
            stripeTotal += paid.getValue();
            Map<String, AttributeValue> granted = ledgerSide.get(paid.getKey());
            if (granted == null) {
                differences.add(difference(paid.getKey(), stripeCompany.get(paid.getKey()), "paid in Stripe, nothing granted", paid.getValue(), 0));
                continue;
            }
            long value = num(granted, "listCents");
            ledgerTotal += value;
            if (value != paid.getValue()) {
                differences.add(difference(paid.getKey(), str(granted, "companyId"), "paid amount differs from the catalog value of what was granted",
                        paid.getValue(), value));
            }
        }
        for (Map.Entry<String, Map<String, AttributeValue>> granted : ledgerSide.entrySet()) {
            if ((granted.getKey().startsWith("SESSION#") || granted.getKey().startsWith("INVOICE#")) && !stripePaid.containsKey(granted.getKey())) {
                long value = num(granted.getValue(), "listCents");
                ledgerTotal += value;
                differences.add(difference(granted.getKey(), str(granted.getValue(), "companyId"), "granted, but not paid in Stripe this month", 0, value));
            }
        }
        long refunds = ledgerSide.entrySet().stream().filter(e -> e.getKey().startsWith("REFUND#") || e.getKey().startsWith("DISPUTE#"))
                .mapToLong(e -> num(e.getValue(), "paidCents")).sum();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("month", month.toString());
        out.put("stripePaidCents", stripeTotal);
        out.put("ledgerValueCents", ledgerTotal);
        out.put("refundedCents", -refunds);
        out.put("differenceCents", stripeTotal - ledgerTotal);
        out.put("differencePercent", stripeTotal == 0 ? 0.0 : Math.round(10000.0 * Math.abs(stripeTotal - ledgerTotal) / stripeTotal) / 100.0);
        out.put("withinTarget", stripeTotal == 0 || Math.abs(stripeTotal - ledgerTotal) * 100 < stripeTotal);
        out.put("differences", differences);
        return out;
    }

    private static Map<String, Object> difference(String what, String company, String problem, long stripeCents, long ledgerCents) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("stripeObject", what.substring(what.indexOf('#') + 1));
        out.put("kind", what.substring(0, what.indexOf('#')).toLowerCase());
        out.put("company", company);
        out.put("problem", problem);
        out.put("stripeCents", stripeCents);
        out.put("ledgerCents", ledgerCents);
        return out;
    }

    private void forEachPage(String path, Map<String, Object> filter, Consumer<JsonNode> action) {
        String after = null;
        while (true) {
            Map<String, Object> params = new LinkedHashMap<>(filter);
            params.put("limit", 100);
            if (after != null) {
                params.put("starting_after", after);
            }
            JsonNode page = stripe.get(path, params);
            JsonNode data = page.path("data");
            for (JsonNode object : data) {
                action.accept(object);
                after = object.path("id").asString();
            }
            if (!page.path("has_more").asBoolean(false) || data.isEmpty()) {
                return;
            }
        }
    }

    // ------------------------------------------------------------------ items

    private Map<String, AttributeValue> companyItem(String companyId) {
        Map<String, AttributeValue> item = get("C#" + companyId, "COMPANY");
        if (item == null) {
            throw new ApiException(404, "not_found", "Company not found.");
        }
        return item;
    }

    private Map<String, AttributeValue> get(String pk, String sk) {
        Map<String, AttributeValue> item = db.getItem(g -> g.tableName(table).key(key(pk, sk)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? null : item;
    }
}
