package com.image2model.billing;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.image2model.platform.Refusal;

/**
 * The rules of what Stripe sells us, in plain Java: one running subscription per company, seats
 * from 1 to {@link #MAX_SEATS} that follow the active members, a paid session or invoice that must
 * match what the catalog asked for, and refunds in proportion to the money given back.
 * {@link Billing} reads Stripe and the table and asks these rules what to do.
 */
public final class BillingRules {

    /** The most seats one subscription may have. */
    public static final int MAX_SEATS = 1000;

    /** Subscription states Stripe no longer charges for. */
    static final Set<String> ENDED = Set.of("canceled", "incomplete_expired");
    /** Subscription states whose seats follow the members. */
    static final Set<String> SEATED = Set.of("active", "trialing", "past_due");

    /** A request billing refuses: an HTTP status, a machine-readable code and a message for people. */
    public static final class Refused extends Refusal {
        Refused(int status, String code, String message) {
            super(status, code, message);
        }
    }


    private BillingRules() {
    }

    /** Whether a subscription in {@code status} still runs (Stripe charges for it). */
    public static boolean running(String subscriptionId, String status) {
        return subscriptionId != null && !ENDED.contains(status);
    }

    /** Whether a company with this plan and status has a plan Stripe still charges for. */
    public static boolean planActive(String plan, String status) {
        return plan != null && status != null && !ENDED.contains(status);
    }

    /** One plan per company: a second checkout for a plan is refused while one runs. */
    public static void mayStartPlan(String subscriptionId, String status, String plan) {
        if (running(subscriptionId, status)) {
            throw new Refused(409, "already_subscribed", "The company already has a subscription (" + plan
                    + "): change its plan or seats in the billing portal.");
        }
    }

    /**
     * The quantity of a checkout: a per-seat plan's seats (asked for, else one per active member, at
     * least one), 1 for anything else; a pack has no seats.
     */
    public static int quantity(boolean plan, boolean perSeat, Integer requestedSeats, int activeMembers) {
        if (plan && perSeat) {
            int seats = requestedSeats == null ? Math.max(1, activeMembers) : requestedSeats;
            if (seats < 1 || seats > MAX_SEATS) {
                throw new Refused(400, "invalid_seats", "seats must be from 1 to " + MAX_SEATS + ".");
            }
            return seats;
        }
        if (!plan && requestedSeats != null && requestedSeats != 1) {
            throw new Refused(400, "invalid_seats", "A credit pack has no seats.");
        }
        return 1;
    }

    /**
     * The seats a running per-seat subscription should have now, or empty when nothing is to change
     * (no subscription, one that ended, a plan without seats, or the count already right).
     */
    public static Optional<Integer> seatsToSync(String subscriptionId, String status, boolean perSeat, int activeMembers,
                                                Integer currentQuantity) {
        if (subscriptionId == null || !SEATED.contains(status) || !perSeat) {
            return Optional.empty();
        }
        int seats = Math.max(1, activeMembers);
        return currentQuantity != null && currentQuantity == seats ? Optional.empty() : Optional.of(seats);
    }

    /**
     * The credits a purchase of {@code credits} for {@code amountCents} gives back in total when
     * {@code refundedCents} of it are refunded: the same share, rounded to the nearest credit.
     */
    public static long creditsBack(long credits, long amountCents, long refundedCents) {
        if (credits < 0 || refundedCents < 0) {
            throw new IllegalArgumentException("Credits and refunds are never negative");
        }
        long amount = Math.max(1, amountCents);
        long refunded = Math.min(refundedCents, amount);
        return Math.round((double) credits * refunded / amount);
    }

    /** What a refund takes now: the total due back minus what earlier refunds of the same charge took (never negative). */
    public static long creditsToRefundNow(long credits, long amountCents, long refundedCents, long alreadyRefunded) {
        return Math.max(0, creditsBack(credits, amountCents, refundedCents) - alreadyRefunded);
    }

    /**
     * Why a paid checkout session must not be granted, or empty when it matches what we asked
     * Stripe for: the same customer (when the event names one), amount and currency.
     */
    public static Optional<String> sessionMismatch(StripeEvents.Session paid, String customer, long amountCents, String catalogCurrency) {
        if (paid.customer() != null && !paid.customer().equals(customer)) {
            return Optional.of("customer differs");
        }
        if (paid.amountTotal() != amountCents || !catalogCurrency.equalsIgnoreCase(paid.currency())) {
            return Optional.of("amount differs");
        }
        return Optional.empty();
    }

    /** A plan's price for {@code seats}: per seat, or once. */
    public static long planPrice(long priceCents, boolean perSeat, int seats) {
        return Math.multiplyExact(priceCents, perSeat ? seats : 1);
    }

    /**
     * The credits a paid plan invoice grants: a first or cycle invoice, the plan's included credits;
     * any other (a proration after a seat change, a manual invoice) what its amount buys pro rata of
     * the full price, and never more credits than cents paid (1 credit is 1 cent at list price).
     */
    public static long invoiceCredits(StripeEvents.Invoice invoice, long includedCredits, long fullPriceCents) {
        if (includedCredits <= 0) {
            return 0;
        }
        if (REGULAR_INVOICES.contains(invoice.billingReason())) {
            return includedCredits;
        }
        long paid = invoice.amountPaid();
        if (paid <= 0 || fullPriceCents <= 0) {
            return 0;
        }
        long proRata = java.math.BigInteger.valueOf(includedCredits).multiply(java.math.BigInteger.valueOf(paid))
                .divide(java.math.BigInteger.valueOf(fullPriceCents)).min(java.math.BigInteger.valueOf(includedCredits)).longValueExact();
        return Math.min(proRata, paid);
    }

    /** The invoices that bill a whole period of a plan: its first, and each renewal. */
    private static final List<String> REGULAR_INVOICES = List.of("subscription_create", "subscription_cycle");

    /**
     * Whether a paid invoice's charge is what the catalog says: the currency always, the amount for
     * the first and the cycle invoices (prorations and manual invoices differ by design).
     */
    public static boolean invoiceMatches(StripeEvents.Invoice invoice, long expectedCents, String catalogCurrency) {
        if (!catalogCurrency.equalsIgnoreCase(invoice.currency())) {
            return false;
        }
        boolean regular = REGULAR_INVOICES.contains(invoice.billingReason());
        return !regular || invoice.lineAmount() == expectedCents;
    }

    /** "$1,234.50": an amount in cents, in dollars as a receipt prints it. */
    public static String dollars(long cents) {
        return String.format(java.util.Locale.US, "$%,.2f", cents / 100.0);
    }

    /** A pack's receipt: {subject, text}. */
    public static String[] packReceipt(String itemName, long credits, long amountCents, String reference, String paidAt, long balanceAfter) {
        return new String[] {"Image2Model receipt: " + itemName + ", " + dollars(amountCents),
                "Thank you for your purchase.\n\n"
                        + itemName + ": " + String.format(java.util.Locale.US, "%,d", credits) + " credits\n"
                        + "Paid: " + dollars(amountCents) + " (USD)\n"
                        + "Date: " + paidAt + "\n"
                        + "Reference: " + reference + "\n"
                        + "Credits available now: " + String.format(java.util.Locale.US, "%,d", balanceAfter) + "\n\n"
                        + "The credits are on the company's balance; the Credits page lists every movement."};
    }

    /** A plan invoice's receipt: {subject, text}. */
    public static String[] invoiceReceipt(String planName, int seats, long amountCents, String number, String hostedUrl, long credits) {
        return new String[] {"Image2Model receipt: " + planName + ", invoice " + number,
                "Thank you: invoice " + number + " is paid.\n\n"
                        + planName + (seats > 1 ? " x " + seats + " seats" : "") + "\n"
                        + "Paid: " + dollars(amountCents) + " (USD)\n"
                        + (credits > 0 ? "Credits added: " + String.format(java.util.Locale.US, "%,d", credits) + "\n" : "")
                        + (hostedUrl == null ? "" : "The invoice and its PDF: " + hostedUrl + "\n")
                        + "\nThe Billing page lists every invoice."};
    }
}
