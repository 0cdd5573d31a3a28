package com.image2model.billing;

import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.image2model.company.CompanyStore;
import com.image2model.credits.Catalog;
import com.image2model.credits.CreditLedger;
import com.image2model.platform.ApiException;

import tools.jackson.databind.JsonNode;

/**
 * What Stripe's money means for the ledger and the company. Checkout and portal sessions are made
 * for the caller's own company; Stripe's events are acted on once each (the event id is recorded
 * after acting, and every grant is idempotent by its Stripe object), and credits always come from
 * the catalog, never from what a client or an event says. The rules are {@link BillingRules}'s,
 * the JSON is read by {@link StripeEvents}, the items are {@link BillingStore}'s.
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

    /** The most seats one subscription may have. */
    public static final int MAX_SEATS = BillingRules.MAX_SEATS;

    private final BillingStore store;
    private final StripeApi stripe;
    private final CreditLedger ledger;
    private final Catalog catalog;
    private final Function<String, Integer> activeMembers;
    private final Consumer<String[]> notifyAdmins;
    private final Clock clock;
    private volatile Purchases purchases = (companyId, purchase) -> { };

    /** Credits bought: a pack's checkout or a plan's invoice (the company's webhooks are told). */
    public record Purchase(String paymentId, String itemId, String kind, long credits, long amountCents, String currency) {
    }

    /** Told once per purchase, after the event that made it is recorded. */
    @FunctionalInterface
    public interface Purchases {
        void purchased(String companyId, Purchase purchase);
    }

    public Billing notifying(Purchases listener) {
        this.purchases = listener;
        return this;
    }

    /**
     * @param activeMembers a company's number of active members (seats follow it)
     * @param notifyAdmins  {company, subject, text}: an email to the company's active admins
     */
    public Billing(BillingStore store, StripeApi stripe, CreditLedger ledger, Catalog catalog,
                   Function<String, Integer> activeMembers, Consumer<String[]> notifyAdmins, Clock clock) {
        this.store = store;
        this.stripe = stripe;
        this.ledger = ledger;
        this.catalog = catalog;
        this.activeMembers = activeMembers;
        this.notifyAdmins = notifyAdmins;
        this.clock = clock;
    }

    // ------------------------------------------------------------------ for the site

    /** What a new company starts with and what an image costs at each quality: the welcome page's promise. */
    public Map<String, Object> trial() {
        return Map.of("credits", catalog.trialCredits(), "creditsPerImage", new java.util.TreeMap<>(catalog.costs()));
    }

    /** What a model's options may be (polycount bounds and presets, view roles) and what each adds to FAL's cost: the Create page's options. */
    public Map<String, Object> generation() {
        return catalog.models().describe();
    }

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
        CompanyStore.BillingFields fields = store.company(companyId)
                .orElseThrow(() -> new ApiException(404, "not_found", "Company not found."));
        return new State(fields.customerId(), fields.plan(), fields.seats(), fields.subscriptionId(), fields.status(),
                fields.currentPeriodEnd(), fields.cancelAtPeriodEnd(), fields.pastDue());
    }

    /** Whether the company has a plan Stripe still charges for (anything but ended or never started). */
    public boolean planActive(String companyId) {
        State state = state(companyId);
        return BillingRules.planActive(state.plan(), state.status());
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
        store.forgetCustomer(state.customerId());
    }

    /** A Checkout Session for the company's own purchase; answers its URL. */
    public String checkout(String companyId, String itemId, Integer seats, String requestId, String successUrl, String cancelUrl) {
        Catalog.Item item = catalog.item(itemId == null ? "" : itemId)
                .orElseThrow(() -> new ApiException(400, "unknown_item", "item must be one of " + catalog.items().stream().map(Catalog.Item::id).toList() + "."));
        State state = state(companyId);
        if (item.plan()) {
            BillingRules.mayStartPlan(state.subscriptionId(), state.status(), state.plan());
        }
        int quantity = BillingRules.quantity(item.plan(), item.perSeat(), seats,
                item.plan() && item.perSeat() && seats == null ? activeMembers.apply(companyId) : 1);
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
        String sessionId = session.path("id").asString();
        if (sessionId == null || sessionId.isBlank()) {
            throw new IllegalStateException("Stripe answered a checkout session without an id");
        }
        // What we asked Stripe for, kept under the session's id before its URL is given out: the paid
        // event's company, item, customer and amount are checked against this, never taken from the
        // event's metadata alone (a delivered event can be re-addressed, and metadata can be edited).
        store.rememberSession(new BillingStore.Session(sessionId, companyId, item.id(), quantity, customer,
                BillingRules.planPrice(item.priceCents(), true, quantity), Catalog.CURRENCY, item.plan() ? "subscription" : "payment"));
        return session.path("url").asString();
    }

    /** The most invoices GET /billing/invoices lists: two years of a monthly plan. */
    static final int INVOICES_LISTED = 24;

    /**
     * The company's Stripe invoices, newest first (its plan's: packs are paid at Checkout and
     * receipted by email): number, date, amount, status and Stripe's hosted page and PDF.
     */
    public List<Map<String, Object>> invoices(String companyId) {
        State state = state(companyId);
        if (state.customerId() == null) {
            return List.of();
        }
        List<Map<String, Object>> invoices = new ArrayList<>();
        for (JsonNode invoice : stripe.get("/v1/invoices", Map.of("customer", state.customerId(), "limit", INVOICES_LISTED)).path("data")) {
            // Stripe's list is filtered by our customer; an object of another customer is never shown, whatever the answer says.
            if (!state.customerId().equals(invoice.path("customer").asString(""))) {
                continue;
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("id", invoice.path("id").asString());
            out.put("number", invoice.path("number").asString(null));
            out.put("created", Instant.ofEpochSecond(invoice.path("created").asLong(0)).toString());
            out.put("amountCents", invoice.path("status").asString("").equals("paid") ? invoice.path("amount_paid").asLong(0)
                    : invoice.path("amount_due").asLong(0));
            out.put("currency", invoice.path("currency").asString(Catalog.CURRENCY));
            out.put("status", invoice.path("status").asString(""));
            out.put("reason", invoice.path("billing_reason").asString(null));
            out.put("hostedUrl", invoice.path("hosted_invoice_url").asString(null));
            out.put("pdfUrl", invoice.path("invoice_pdf").asString(null));
            invoices.add(out);
        }
        return invoices;
    }

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
        if (store.linkCustomer(companyId, id)) {
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
        boolean perSeat = catalog.item(state.plan() == null ? "" : state.plan()).map(Catalog.Item::perSeat).orElse(false);
        if (BillingRules.seatsToSync(state.subscriptionId(), state.status(), perSeat, 1, null).isEmpty()) {
            return;
        }
        JsonNode subscription = stripe.get("/v1/subscriptions/" + state.subscriptionId(), null);
        JsonNode item = subscription.at("/items/data/0");
        Optional<Integer> seats = BillingRules.seatsToSync(state.subscriptionId(), state.status(), perSeat, activeMembers.apply(companyId),
                item.path("quantity").isNumber() ? item.path("quantity").asInt() : null);
        if (seats.isEmpty()) {
            return;
        }
        int members = seats.get();
        stripe.post("/v1/subscriptions/" + state.subscriptionId(), Map.of("items", List.of(Map.of("id", item.path("id").asString(),
                "quantity", members)), "proration_behavior", "create_prorations"), "seats-" + state.subscriptionId() + "-" + members + "-"
                + clock.millis() / 60_000);
        refreshSubscription(companyId, state.subscriptionId());
    }

    // ------------------------------------------------------------------ Stripe's events

    /** While billing is off: the verified event is kept as Stripe sent it, and nothing is granted or changed. */
    public String hold(JsonNode event, String payload) {
        store.holdEvent(event.path("id").asString(""), event.path("created").asLong(0), payload);
        return "held (billing is off)";
    }

    /**
     * Billing is on: acts on the events held while it was off, oldest first (each once, as any
     * event); answers how many. One that fails stays held for the next time.
     */
    public int replayHeld(int limit) {
        int replayed = 0;
        for (String[] held : store.heldEvents(limit)) {
            try {
                LOG.info("Held Stripe event {} -> {}", held[0], handle(com.image2model.platform.ApiResponses.JSON.readTree(held[1])));
            } catch (RuntimeException e) {
                LOG.error("Held Stripe event {} not acted on yet: {}", held[0], e.getMessage());
                return replayed;
            }
            store.forgetHeld(held[0]);
            replayed++;
        }
        return replayed;
    }

    /** Acts on one verified event; answers what was done (for the log and the answer). */
    public String handle(JsonNode event) {
        StripeEvents.Event parsed = StripeEvents.event(event);
        String type = parsed.type();
        JsonNode object = parsed.object();
        // A checkout session's company is the one that created it (our record), never what the event says.
        BillingStore.Session session = parsed.aboutCheckoutSession() ? store.session(object.path("id").asString("")).orElse(null) : null;
        String companyId = parsed.aboutCheckoutSession() ? (session == null ? null : session.companyId()) : companyOf(object);
        if (store.eventSeen(companyId, parsed.id())) {
            return "duplicate";
        }
        List<String[]> receipts = new ArrayList<>();
        List<Purchase> bought = new ArrayList<>();
        String outcome = switch (type) {
            case "checkout.session.completed", "checkout.session.async_payment_succeeded" -> sessionPaid(companyId, session, object, receipts, bought);
            case "invoice.paid" -> invoicePaid(companyId, object, receipts, bought);
            case "invoice.payment_failed" -> paymentFailed(companyId, object);
            case "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted" ->
                    companyId == null ? "unknown company" : refreshSubscription(companyId, object.path("id").asString());
            case "charge.refunded" -> refunded(companyId, object);
            case "charge.dispute.created" -> disputed(companyId, object);
            default -> "ignored";
        };
        // A parallel delivery that finished first: every action above is idempotent, nothing was done twice.
        if (!store.recordEvent(companyId, parsed.id(), type, outcome)) {
            return "duplicate";
        }
        // Receipts go with the delivery that recorded the event: one email per payment, however often Stripe delivers it.
        receipts.forEach(receipt -> receipt(companyId, receipt));
        for (Purchase purchase : bought) {
            try {
                purchases.purchased(companyId, purchase);
            } catch (RuntimeException e) {
                LOG.error("Purchase {} of company {} not told: {}", purchase.paymentId(), companyId, e.getMessage());
            }
        }
        return outcome;
    }

    /** {@code record}: what we stored when we created the session, or null. */
    private String sessionPaid(String companyId, BillingStore.Session record, JsonNode session, List<String[]> receipts,
                               List<Purchase> bought) {
        StripeEvents.Session paid = StripeEvents.session(session);
        String sessionId = paid.id();
        if (companyId == null || record == null) {
            return refused("unknown session", "Paid checkout session " + sessionId + " was not created by us");
        }
        String named = paid.namedCompany();
        if (named != null && !named.equals(companyId)) {
            // Re-addressed: the session stays with the company that created it, and is granted once.
            LOG.error("Checkout session {} names company {} in its metadata but was created by {}: granted to its creator only",
                    sessionId, named, companyId);
        }
        if (!paid.paid()) {
            return "not paid yet";
        }
        Optional<String> mismatch = BillingRules.sessionMismatch(paid, record.customer(), record.amountCents(), Catalog.CURRENCY);
        if (mismatch.isPresent() && mismatch.get().equals("customer differs")) {
            return refused("customer differs", "Checkout session " + sessionId + " was paid by customer " + paid.customer()
                    + ", not the company's " + record.customer());
        }
        if (mismatch.isPresent()) {
            return refused("amount differs", "Checkout session " + sessionId + " was paid " + paid.amountTotal() + " " + paid.currency()
                    + "; the catalog says " + record.amountCents() + " " + Catalog.CURRENCY + " for " + record.item() + " x" + record.quantity());
        }
        if (!record.payment()) {
            String subscription = paid.subscription();
            return subscription == null ? "subscription pending" : refreshSubscription(companyId, subscription);
        }
        Catalog.Item item = catalog.item(record.item()).orElse(null);
        if (item == null || item.plan()) {
            return refused("unknown item", "Paid session " + sessionId + " is for no pack of the catalog: " + record.item());
        }
        ledger.purchase(companyId, item.credits(), sessionId, sessionId);
        if (paid.paymentIntent() != null) {
            store.recordPayment(companyId, paid.paymentIntent(), item.credits(), paid.amountTotal(), item.id(), sessionId);
        }
        store.recordMonth(paid.created() == null ? clock.instant().getEpochSecond() : paid.created(), "SESSION#" + sessionId, companyId,
                item.id(), item.credits(), paid.amountTotal(), item.priceCents());
        bought.add(new Purchase(sessionId, item.id(), "pack", item.credits(), paid.amountTotal(), Catalog.CURRENCY));
        receipts.add(BillingRules.packReceipt(item.name(), item.credits(), paid.amountTotal(), sessionId,
                clock.instant().toString().substring(0, 10), ledger.balance(companyId).available()));
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

    private String invoicePaid(String companyId, JsonNode invoice, List<String[]> receipts, List<Purchase> bought) {
        if (companyId == null) {
            return "unknown company";
        }
        StripeEvents.Invoice paid = StripeEvents.invoice(invoice);
        String price = paid.price();
        Catalog.Item plan = catalog.itemOfPrice(price).orElse(null);
        if (plan == null || !plan.plan()) {
            LOG.error("Paid invoice {} is for no plan of the catalog (price {})", invoice.path("id").asString(), price);
            return "unknown price";
        }
        int seats = paid.quantity();
        long expected = BillingRules.planPrice(plan.priceCents(), plan.perSeat(), seats);
        if (!BillingRules.invoiceMatches(paid, expected, Catalog.CURRENCY)) {
            return refused("amount differs", "Invoice " + paid.id() + " (" + paid.billingReason() + ") charges "
                    + paid.lineAmount() + " " + paid.currency() + " for " + plan.id() + " x" + seats
                    + "; the catalog says " + expected + " " + Catalog.CURRENCY);
        }
        String invoiceId = paid.id();
        long credits = BillingRules.invoiceCredits(paid, plan.perSeat() ? catalog.includedCredits(plan.id(), seats) : 0, expected);
        if (credits > 0) {
            ledger.grantPlanCredits(companyId, plan.id(), seats, credits, invoiceId);
            bought.add(new Purchase(invoiceId, plan.id(), "plan", credits, paid.amountPaid(), Catalog.CURRENCY));
            if (paid.paymentIntent() != null) {
                // A refund or dispute of this invoice takes back its credits, as for a pack.
                store.recordPayment(companyId, paid.paymentIntent(), credits, paid.amountPaid(), plan.id(), invoiceId);
            }
        }
        if (state(companyId).pastDue()) {
            store.companies().clearPastDue(companyId);
        }
        store.recordMonth(paid.created() == null ? clock.instant().getEpochSecond() : paid.created(), "INVOICE#" + invoiceId, companyId, plan.id(),
                credits, paid.amountPaid(), expected);
        receipts.add(BillingRules.invoiceReceipt(plan.name(), seats, paid.amountPaid(),
                invoice.path("number").asString(invoiceId), invoice.path("hosted_invoice_url").asString(null), credits));
        return credits > 0 ? "granted " + credits : "paid";
    }

    /**
     * The receipt to the company's admins (who pay). Sent after the payment is on the books and
     * once per event (the event is recorded once); a failed send is logged, never a refused event.
     */
    private void receipt(String companyId, String[] subjectAndText) {
        try {
            notifyAdmins.accept(new String[] {companyId, subjectAndText[0], subjectAndText[1]});
        } catch (RuntimeException e) {
            LOG.error("Receipt for company {} not sent: {}", companyId, e.getMessage());
        }
    }

    private String paymentFailed(String companyId, JsonNode invoice) {
        if (companyId == null) {
            return "unknown company";
        }
        // Only the first failure tells the admins: a company already past due was told.
        if (store.companies().setPastDue(companyId)) {
            notifyAdmins.accept(new String[] {companyId, "Image2Model: your payment failed",
                    "Stripe could not take the payment of invoice " + invoice.path("number").asString(invoice.path("id").asString())
                            + ". Update your payment method in the billing portal to keep your plan."});
        }
        return "past due";
    }

    /** Refund events of one payment racing each other: each loser reads the total again. */
    private static final int MAX_REFUND_ATTEMPTS = 20;

    /** What a refund or dispute took back: the payment as it was read, and the credits taken now. */
    private record Taken(BillingStore.Payment payment, long credits) {
    }

    /**
     * Takes back what is due of a payment's credits: the credits {@code totalDue} says are due back
     * in all, less what earlier refunds took, in one conditional transaction with the payment's
     * refunded total; a concurrent refund of the same payment makes this one read again. Empty when
     * there is no such payment; a {@code Taken} of 0 when nothing more is due.
     */
    private Optional<Taken> takeBack(String paymentIntent, String reference, String idempotencyKey,
                                     java.util.function.ToLongFunction<BillingStore.Payment> totalDue) {
        for (int attempt = 0; attempt < MAX_REFUND_ATTEMPTS; attempt++) {
            Optional<BillingStore.Payment> payment = store.payment(paymentIntent);
            if (payment.isEmpty()) {
                return Optional.empty();
            }
            long total = totalDue.applyAsLong(payment.get());
            long now = Math.max(0, total - payment.get().refundedCredits());
            if (now == 0) {
                return Optional.of(new Taken(payment.get(), 0));
            }
            try {
                ledger.refund(payment.get().companyId(), now, reference, idempotencyKey, store.refundedCreditsWrite(payment.get(), total));
                return Optional.of(new Taken(payment.get(), now));
            } catch (CreditLedger.AlongsideRefused meanwhile) {
                // Another refund of this payment committed first: read its total again.
            }
        }
        throw new IllegalStateException("The refunded total of " + paymentIntent + " kept changing");
    }

    /**
     * A refund takes back the credits its payment bought, in proportion: refund events of one
     * charge that arrive together (each with Stripe's cumulative {@code amount_refunded}) take back
     * exactly the largest share.
     */
    private String refunded(String companyId, JsonNode charge) {
        StripeEvents.Charge refund = StripeEvents.charge(charge);
        long refundedCents = refund.amountRefunded();
        java.util.function.ToLongFunction<BillingStore.Payment> amount = p -> Math.max(1, refund.amount() < 0 ? p.amountCents() : refund.amount());
        Optional<Taken> taken = takeBack(refund.paymentIntent(), refund.id(), refund.id() + "#" + refundedCents,
                p -> BillingRules.creditsBack(p.credits(), amount.applyAsLong(p), refundedCents));
        if (taken.isEmpty()) {
            return "no purchase";
        }
        if (taken.get().credits() == 0) {
            return "already refunded";
        }
        BillingStore.Payment payment = taken.get().payment();
        long already = payment.refundedCredits();
        store.recordMonth(clock.instant().getEpochSecond(), "REFUND#" + refund.id() + "#" + refundedCents, payment.companyId(), payment.item(),
                -taken.get().credits(), -(refundedCents - Math.round((double) already * amount.applyAsLong(payment) / Math.max(1, payment.credits()))), 0);
        return "refunded " + taken.get().credits();
    }

    /** A dispute takes back every credit of its payment that no refund took yet. */
    private String disputed(String companyId, JsonNode dispute) {
        String disputeId = dispute.path("id").asString();
        Optional<Taken> taken = takeBack(dispute.path("payment_intent").asString(null), disputeId, disputeId, BillingStore.Payment::credits);
        if (taken.isEmpty()) {
            return "no purchase";
        }
        if (taken.get().credits() == 0) {
            return "already refunded";
        }
        store.recordMonth(clock.instant().getEpochSecond(), "DISPUTE#" + disputeId, taken.get().payment().companyId(),
                taken.get().payment().item(), -taken.get().credits(), -dispute.path("amount").asLong(0), 0);
        return "disputed " + taken.get().credits();
    }

    /** Fetches the subscription and stores what it says now (a fetch older than the stored one changes nothing). */
    String refreshSubscription(String companyId, String subscriptionId) {
        long fetchedAt = clock.millis();
        StripeEvents.Subscription subscription = StripeEvents.subscription(stripe.get("/v1/subscriptions/" + subscriptionId, null));
        Catalog.Item plan = catalog.itemOfPrice(subscription.price()).orElse(null);
        long now = clock.instant().getEpochSecond();
        // For the operators' revenue figures: when the subscription started and ended, and what it is worth a month.
        CompanyStore.Subscription stored = new CompanyStore.Subscription(subscriptionId, subscription.status(), subscription.quantity(),
                subscription.currentPeriodEnd(), subscription.cancelAtPeriodEnd(),
                subscription.startedAt() == null ? now : subscription.startedAt(),
                plan == null ? null : BillingRules.planPrice(plan.priceCents(), plan.perSeat(), (int) Math.min(Integer.MAX_VALUE, subscription.quantity())),
                plan == null ? null : plan.id(), !BillingRules.running(subscriptionId, subscription.status()),
                subscription.endedAt() == null ? now : subscription.endedAt(), fetchedAt);
        if (!store.companies().recordSubscription(companyId, stored)) {
            return "older than stored";
        }
        return "subscription " + subscription.status() + (plan == null ? "" : " " + plan.id()) + " x" + subscription.quantity();
    }

    /**
     * The company an object is for: the company its Stripe customer belongs to (our record) when
     * it has one, and metadata must then agree; else our own metadata, for a company that exists.
     */
    private String companyOf(JsonNode object) {
        String owner = store.customerCompany(object.path("customer").asString(null));
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
        String company = StripeEvents.namedCompany(object);
        if (company == null && object.has("payment_intent")) {
            company = store.payment(object.path("payment_intent").asString(null)).map(BillingStore.Payment::companyId).orElse(null);
        }
        // Only a company that exists here counts (metadata is ours, but a test-mode event can come from anywhere).
        return company != null && store.company(company).isPresent() ? company : null;
    }

    // ------------------------------------------------------------------ reconciliation

    /**
     * Stripe's paid amounts for a month (completed checkout sessions of packs, paid invoices)
     * against what the ledger granted for them, listing every difference.
     */
    public Map<String, Object> reconcile(YearMonth month) {
        long from = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        long to = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        List<Reconciliation.Paid> paid = new ArrayList<>();
        forEachPage("/v1/checkout/sessions", Map.of("status", "complete", "created", Map.of("gte", from, "lt", to)), session -> {
            if ("payment".equals(session.path("mode").asString("")) && "paid".equals(session.path("payment_status").asString(""))) {
                paid.add(new Reconciliation.Paid("SESSION#" + session.path("id").asString(), session.path("amount_total").asLong(0),
                        session.path("metadata").path("company").asString("")));
            }
        });
        forEachPage("/v1/invoices", Map.of("status", "paid", "created", Map.of("gte", from, "lt", to)), invoice ->
                paid.add(new Reconciliation.Paid("INVOICE#" + invoice.path("id").asString(), invoice.path("amount_paid").asLong(0),
                        invoice.at("/parent/subscription_details/metadata/company").asString(""))));
        List<Reconciliation.Granted> granted = store.month(month).stream()
                .map(r -> new Reconciliation.Granted(r.object(), r.companyId(), r.listCents(), r.paidCents())).toList();
        return Reconciliation.report(month, paid, granted);
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
}
