package com.image2model.billing;

import tools.jackson.databind.JsonNode;

/**
 * Stripe's event JSON read in one place: the event's id, type and object, and the fields of the
 * objects billing acts on. Missing fields read as null or -1, never as a plausible value.
 */
public final class StripeEvents {

    public record Event(String id, String type, JsonNode object) {
        public boolean aboutCheckoutSession() {
            return type.startsWith("checkout.session.");
        }
    }

    /** A checkout session as its paid events carry it. */
    public record Session(String id, String namedCompany, String paymentStatus, String customer, long amountTotal, String currency,
                          String subscription, String paymentIntent, Long created) {
        public boolean paid() {
            return "paid".equals(paymentStatus);
        }
    }

    /** A paid (or failed) invoice: its first line's price and quantity, its reason and amounts. */
    public record Invoice(String id, String number, String price, int quantity, String billingReason, long lineAmount, String currency,
                          long amountPaid, Long created, String paymentIntent) {
    }

    /** A refunded charge or a dispute: its payment intent and amounts. */
    public record Charge(String id, String paymentIntent, long amount, long amountRefunded) {
    }

    /** A subscription as Stripe answers a fetch of it: its first item's price and quantity, its period and dates (epoch seconds, null when absent). */
    public record Subscription(String status, String price, long quantity, long currentPeriodEnd, boolean cancelAtPeriodEnd, Long startedAt,
                               Long endedAt) {
    }

    private StripeEvents() {
    }

    public static Subscription subscription(JsonNode subscription) {
        JsonNode item = subscription.at("/items/data/0");
        Long started = subscription.has("start_date") ? Long.valueOf(subscription.path("start_date").asLong())
                : subscription.has("created") ? Long.valueOf(subscription.path("created").asLong()) : null;
        return new Subscription(subscription.path("status").asString(""), item.at("/price/id").asString(null), item.path("quantity").asLong(1),
                item.path("current_period_end").asLong(subscription.path("current_period_end").asLong(0)),
                subscription.path("cancel_at_period_end").asBoolean(false), started,
                subscription.has("ended_at") && !subscription.path("ended_at").isNull() ? Long.valueOf(subscription.path("ended_at").asLong()) : null);
    }

    /** The company our own metadata names on an object (checkout, subscription, invoice), or null. */
    public static String namedCompany(JsonNode object) {
        for (String path : new String[] {"/metadata/company", "/client_reference_id", "/parent/subscription_details/metadata/company",
                "/subscription_details/metadata/company"}) {
            String company = object.at(path).asString(null);
            if (company != null) {
                return company;
            }
        }
        return null;
    }

    public static Event event(JsonNode event) {
        return new Event(event.path("id").asString(""), event.path("type").asString(""), event.path("data").path("object"));
    }

    public static Session session(JsonNode session) {
        return new Session(session.path("id").asString(""), session.path("metadata").path("company").asString(null),
                session.path("payment_status").asString(""), session.path("customer").asString(null),
                session.path("amount_total").asLong(-1), session.path("currency").asString(""),
                session.path("subscription").asString(null), session.path("payment_intent").asString(null), created(session));
    }

    public static Invoice invoice(JsonNode invoice) {
        JsonNode line = invoice.at("/lines/data/0");
        return new Invoice(invoice.path("id").asString(""), invoice.path("number").asString(invoice.path("id").asString("")),
                line.at("/pricing/price_details/price").asString(null), Math.max(1, line.path("quantity").asInt(1)),
                invoice.path("billing_reason").asString(""), line.path("amount").asLong(-1), invoice.path("currency").asString(""),
                invoice.path("amount_paid").asLong(0), created(invoice), invoicePaymentIntent(invoice));
    }

    /** The intent that paid an invoice: its payments list (Stripe's API since 2025), or the older top-level field. */
    private static String invoicePaymentIntent(JsonNode invoice) {
        for (JsonNode payment : invoice.path("payments").path("data")) {
            String intent = payment.path("payment").path("payment_intent").asString(null);
            if (intent != null && "paid".equals(payment.path("status").asString("paid"))) {
                return intent;
            }
        }
        return invoice.path("payment_intent").isString() ? invoice.path("payment_intent").asString() : null;
    }

    public static Charge charge(JsonNode charge) {
        return new Charge(charge.path("id").asString(""), charge.path("payment_intent").asString(null), charge.path("amount").asLong(-1),
                charge.path("amount_refunded").asLong(0));
    }

    private static Long created(JsonNode object) {
        return object.has("created") ? object.path("created").asLong() : null;
    }
}
