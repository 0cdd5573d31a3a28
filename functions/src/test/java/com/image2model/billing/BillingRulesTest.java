package com.image2model.billing;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The billing rules: one plan, seats, refund proportion, and the checks of paid sessions and invoices. */
class BillingRulesTest {

    @Test
    void aSecondPlanIsRefusedWhileOneRuns() {
        assertThatThrownBy(() -> BillingRules.mayStartPlan("sub_1", "active", "team"))
                .isInstanceOfSatisfying(BillingRules.Refused.class, r -> {
                    assertThat(r.status()).isEqualTo(409);
                    assertThat(r.code()).isEqualTo("already_subscribed");
                    assertThat(r.getMessage()).contains("team");
                });
        assertThatThrownBy(() -> BillingRules.mayStartPlan("sub_1", "past_due", "team")).isInstanceOf(BillingRules.Refused.class);
    }

    @Test
    void aNewPlanMayStartAfterTheOldEndedOrWithoutOne() {
        BillingRules.mayStartPlan(null, null, null);
        BillingRules.mayStartPlan("sub_1", "canceled", "team");
        BillingRules.mayStartPlan("sub_1", "incomplete_expired", "team");
    }

    @Test
    void perSeatPlansTakeTheSeatsAskedForOrOnePerActiveMember() {
        assertThat(BillingRules.quantity(true, true, 7, 3)).isEqualTo(7);
        assertThat(BillingRules.quantity(true, true, null, 3)).isEqualTo(3);
        assertThat(BillingRules.quantity(true, true, null, 0)).isEqualTo(1);
        assertThat(BillingRules.quantity(true, true, BillingRules.MAX_SEATS, 1)).isEqualTo(BillingRules.MAX_SEATS);
    }

    @Test
    void seatsOutsideOneToTheMaximumAreRefused() {
        for (int seats : new int[] {0, -1, BillingRules.MAX_SEATS + 1, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            assertThatThrownBy(() -> BillingRules.quantity(true, true, seats, 1))
                    .isInstanceOfSatisfying(BillingRules.Refused.class, r -> assertThat(r.code()).isEqualTo("invalid_seats"));
        }
    }

    @Test
    void aPackHasNoSeatsAndAFlatPlanOne() {
        assertThat(BillingRules.quantity(false, false, null, 9)).isEqualTo(1);
        assertThat(BillingRules.quantity(false, false, 1, 9)).isEqualTo(1);
        assertThatThrownBy(() -> BillingRules.quantity(false, false, 2, 9)).isInstanceOf(BillingRules.Refused.class);
        assertThat(BillingRules.quantity(true, false, 5, 9)).isEqualTo(1);
    }

    @Test
    void seatsFollowTheActiveMembersOfARunningPerSeatSubscription() {
        assertThat(BillingRules.seatsToSync("sub", "active", true, 4, 3)).contains(4);
        assertThat(BillingRules.seatsToSync("sub", "trialing", true, 0, 3)).contains(1);
        assertThat(BillingRules.seatsToSync("sub", "past_due", true, 2, null)).contains(2);
        assertThat(BillingRules.seatsToSync("sub", "active", true, 3, 3)).isEmpty();
    }

    @Test
    void seatsDoNotSyncWithoutARunningPerSeatSubscription() {
        assertThat(BillingRules.seatsToSync(null, "active", true, 4, 3)).isEmpty();
        assertThat(BillingRules.seatsToSync("sub", "canceled", true, 4, 3)).isEmpty();
        assertThat(BillingRules.seatsToSync("sub", "incomplete", true, 4, 3)).isEmpty();
        assertThat(BillingRules.seatsToSync("sub", "active", false, 4, 1)).isEmpty();
    }

    @Test
    void aFullRefundGivesEveryCreditBack() {
        assertThat(BillingRules.creditsBack(500, 4_900, 4_900)).isEqualTo(500);
    }

    @Test
    void aPartialRefundGivesTheSameShareRounded() {
        assertThat(BillingRules.creditsBack(500, 4_900, 2_450)).isEqualTo(250);
        assertThat(BillingRules.creditsBack(100, 3_000, 1_000)).isEqualTo(33);
        assertThat(BillingRules.creditsBack(100, 3_000, 2_000)).isEqualTo(67);
        assertThat(BillingRules.creditsBack(500, 4_900, 0)).isZero();
    }

    @Test
    void aRefundBeyondThePaymentGivesNoMoreThanWasBought() {
        assertThat(BillingRules.creditsBack(500, 4_900, 1_000_000)).isEqualTo(500);
        assertThat(BillingRules.creditsBack(500, 0, 1)).isEqualTo(500);
    }

    @Test
    void aSecondPartialRefundTakesOnlyWhatTheFirstDidNot() {
        long first = BillingRules.creditsToRefundNow(500, 4_900, 980, 0);
        assertThat(first).isEqualTo(100);
        assertThat(BillingRules.creditsToRefundNow(500, 4_900, 2_450, first)).isEqualTo(150);
        assertThat(BillingRules.creditsToRefundNow(500, 4_900, 2_450, 250)).isZero();
        assertThat(BillingRules.creditsToRefundNow(500, 4_900, 980, 250)).isZero();
    }

    @Test
    void negativeRefundsAreNoRefunds() {
        assertThatThrownBy(() -> BillingRules.creditsBack(500, 4_900, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static StripeEvents.Session session(String customer, long amount, String currency) {
        return new StripeEvents.Session("cs_1", "c1", "paid", customer, amount, currency, null, "pi_1", null);
    }

    @Test
    void aPaidSessionMustMatchTheCustomerAmountAndCurrencyAskedFor() {
        assertThat(BillingRules.sessionMismatch(session("cus_1", 4_900, "usd"), "cus_1", 4_900, "usd")).isEmpty();
        assertThat(BillingRules.sessionMismatch(session(null, 4_900, "USD"), "cus_1", 4_900, "usd")).isEmpty();
        assertThat(BillingRules.sessionMismatch(session("cus_2", 4_900, "usd"), "cus_1", 4_900, "usd")).contains("customer differs");
        assertThat(BillingRules.sessionMismatch(session("cus_1", 100, "usd"), "cus_1", 4_900, "usd")).contains("amount differs");
        assertThat(BillingRules.sessionMismatch(session("cus_1", 4_900, "eur"), "cus_1", 4_900, "usd")).contains("amount differs");
        assertThat(BillingRules.sessionMismatch(session("cus_1", -1, "usd"), "cus_1", 4_900, "usd")).isEqualTo(Optional.of("amount differs"));
    }

    private static StripeEvents.Invoice invoice(String reason, long lineAmount, String currency) {
        return new StripeEvents.Invoice("in_1", "0001", "price_team", 3, reason, lineAmount, currency, lineAmount, null, null);
    }

    @Test
    void regularInvoicesMustChargeTheCatalogPrice() {
        long expected = BillingRules.planPrice(1_900, true, 3);
        assertThat(expected).isEqualTo(5_700);
        assertThat(BillingRules.invoiceMatches(invoice("subscription_create", 5_700, "usd"), expected, "usd")).isTrue();
        assertThat(BillingRules.invoiceMatches(invoice("subscription_cycle", 5_700, "usd"), expected, "usd")).isTrue();
        assertThat(BillingRules.invoiceMatches(invoice("subscription_cycle", 1, "usd"), expected, "usd")).isFalse();
        assertThat(BillingRules.invoiceMatches(invoice("subscription_create", 5_700, "eur"), expected, "usd")).isFalse();
    }

    @Test
    void prorationInvoicesNeedOnlyTheCurrency() {
        assertThat(BillingRules.invoiceMatches(invoice("subscription_update", 1_234, "usd"), 5_700, "usd")).isTrue();
        assertThat(BillingRules.invoiceMatches(invoice("subscription_update", 1_234, "gbp"), 5_700, "usd")).isFalse();
    }

    @Test
    void aFlatPlanCostsItsPriceOnceAndHugeSeatCountsDoNotWrap() {
        assertThat(BillingRules.planPrice(9_900, false, 50)).isEqualTo(9_900);
        assertThatThrownBy(() -> BillingRules.planPrice(Long.MAX_VALUE, true, 2)).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void aPlanIsActiveUntilItEnds() {
        assertThat(BillingRules.planActive("team", "active")).isTrue();
        assertThat(BillingRules.planActive("team", "past_due")).isTrue();
        assertThat(BillingRules.planActive("team", "canceled")).isFalse();
        assertThat(BillingRules.planActive(null, "active")).isFalse();
        assertThat(BillingRules.planActive("team", null)).isFalse();
    }

    @Test
    void aProrationOrManualInvoiceGrantsWhatItsAmountBuysNeverMoreCreditsThanCents() {
        // Professional: 2,500 cents and 3,000 credits a seat (1.2 credits a cent at list price).
        StripeEvents.Invoice cycle = new StripeEvents.Invoice("in_c", "1", "p", 2, "subscription_cycle", 5000, "usd", 5000, null, null);
        assertThat(BillingRules.invoiceCredits(cycle, 6000, 5000)).isEqualTo(6000);
        StripeEvents.Invoice cent = new StripeEvents.Invoice("in_p", "2", "p", 3, "subscription_update", 1, "usd", 1, null, null);
        assertThat(BillingRules.invoiceCredits(cent, 6000, 5000)).as("1 cent buys 1 credit at most").isEqualTo(1);
        StripeEvents.Invoice half = new StripeEvents.Invoice("in_h", "3", "p", 2, "manual", 2500, "usd", 2500, null, null);
        assertThat(BillingRules.invoiceCredits(half, 6000, 5000)).as("pro rata 3,000, capped at 2,500 cents").isEqualTo(2500);
        StripeEvents.Invoice nothing = new StripeEvents.Invoice("in_n", "4", "p", 2, "manual", 0, "usd", 0, null, null);
        assertThat(BillingRules.invoiceCredits(nothing, 6000, 5000)).isZero();
        assertThat(BillingRules.invoiceCredits(cycle, 0, 5000)).as("a plan without included credits").isZero();
        StripeEvents.Invoice huge = new StripeEvents.Invoice("in_x", "5", "p", 2, "manual", Long.MAX_VALUE, "usd", Long.MAX_VALUE, null, null);
        assertThat(BillingRules.invoiceCredits(huge, 6000, 5000)).as("never more than the plan includes").isEqualTo(6000);
    }

    @Test
    void receiptsSayWhatWasBoughtForHowMuchAndWhere() {
        assertThat(BillingRules.dollars(500_000)).isEqualTo("$5,000.00");
        assertThat(BillingRules.dollars(5)).isEqualTo("$0.05");
        String[] pack = BillingRules.packReceipt("Pack 5,000", 5000, 5000, "cs_test_1", "2026-12-03", 5160);
        assertThat(pack[0]).isEqualTo("Image2Model receipt: Pack 5,000, $50.00");
        assertThat(pack[1]).contains("5,000 credits").contains("Paid: $50.00").contains("cs_test_1").contains("Credits available now: 5,160");
        String[] invoice = BillingRules.invoiceReceipt("Starter", 3, 3000, "DEV-1", "https://invoice.test/in_1", 3000);
        assertThat(invoice[0]).isEqualTo("Image2Model receipt: Starter, invoice DEV-1");
        assertThat(invoice[1]).contains("Starter x 3 seats").contains("Paid: $30.00").contains("Credits added: 3,000")
                .contains("https://invoice.test/in_1");
        assertThat(BillingRules.invoiceReceipt("Unlimited", 1, 9900, "DEV-2", null, 0)[1]).doesNotContain("seats").doesNotContain("Credits added")
                .doesNotContain("null");
    }
}
