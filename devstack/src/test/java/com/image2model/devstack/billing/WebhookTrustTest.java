package com.image2model.devstack.billing;

import static com.image2model.devstack.billing.BillingTest.checkout;
import static com.image2model.devstack.billing.BillingTest.company;
import static com.image2model.devstack.billing.BillingTest.entries;
import static com.image2model.devstack.billing.BillingTest.lastEvent;
import static com.image2model.devstack.billing.BillingTest.ledger;
import static com.image2model.devstack.billing.BillingTest.pay;
import static com.image2model.devstack.billing.BillingTest.stripe;
import static com.image2model.devstack.billing.BillingTest.webhook;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.image2model.credits.Credits.EntryType;
import com.image2model.devstack.TestStack;
import com.image2model.devstack.billing.BillingTest.Company;
import com.image2model.devstack.identity.Api;
import com.image2model.devstack.stripe.StripeStandIn;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Stripe events are signed, but what they say is still checked: a paid session is granted once,
 * to the company that created it, whatever its metadata says; its amount and currency must be the
 * catalog's; a customer belongs to one company; a signature from the future is refused. Each
 * event here is signed with the right secret, as a leaked secret or an edited object would allow.
 */
class WebhookTrustTest {

    @AfterEach
    void release() {
        stripe().holdDeliveries(false);
    }

    private static HttpResponse<String> signedNow(ObjectNode event) throws Exception {
        String payload = Api.JSON.writeValueAsString(event);
        return webhook(payload, StripeStandIn.signature(payload, Instant.now().getEpochSecond(), StripeStandIn.WEBHOOK_SECRET));
    }

    /** The same event as another delivery: a new event id, the object changed by {@code edit}. */
    private static ObjectNode variant(ObjectNode event, java.util.function.Consumer<ObjectNode> edit) {
        ObjectNode copy = event.deepCopy();
        copy.put("id", "evt_variant_" + UUID.randomUUID().toString().replace("-", ""));
        edit.accept((ObjectNode) copy.path("data").path("object"));
        return copy;
    }

    /** Pays a checkout for {@code item} with Stripe's deliveries held; answers the event of {@code type} it made. */
    private static ObjectNode paidAndHeld(Company company, String item, String type) throws Exception {
        stripe().holdDeliveries(true);
        pay(checkout(company, "{\"item\": \"" + item + "\"}"));
        return lastEvent(type);
    }

    private static long available(Company company) {
        return ledger().balance(company.companyId()).available();
    }

    private static Map<String, AttributeValue> companyItem(Company company) {
        String table = TestStack.get().provisioner().ref("Table");
        return TestStack.get().aws().dynamoDb().getItem(g -> g.tableName(table).consistentRead(true).key(Map.of(
                "PK", AttributeValue.fromS("C#" + company.companyId()), "SK", AttributeValue.fromS("COMPANY")))).item();
    }

    @Test
    void aPaidSessionReAddressedToAnotherCompanyCreditsOnlyItsCreatorOnce() throws Exception {
        Company payer = company("Payer");
        Company bystander = company("Bystander");
        ObjectNode genuine = paidAndHeld(payer, "pack_5000", "checkout.session.completed");
        long payerBefore = available(payer);
        long bystanderBefore = available(bystander);
        assertThat(signedNow(genuine).statusCode()).isEqualTo(200);
        assertThat(available(payer)).isEqualTo(payerBefore + 5000);

        ObjectNode readdressed = variant(genuine, session -> {
            ((ObjectNode) session.path("metadata")).put("company", bystander.companyId());
            session.put("client_reference_id", bystander.companyId());
        });
        HttpResponse<String> answer = signedNow(readdressed);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(available(bystander)).isEqualTo(bystanderBefore);
        assertThat(available(payer)).isEqualTo(payerBefore + 5000);
        assertThat(entries(payer, EntryType.PURCHASE)).isEqualTo(1);
        assertThat(entries(bystander, EntryType.PURCHASE)).isZero();
        assertThat(companyItem(bystander)).doesNotContainKey("stripeCustomerId");

        // A session we never created, naming the bystander: nothing.
        ObjectNode unknown = variant(genuine, session -> {
            session.put("id", "cs_test_never_created_here");
            ((ObjectNode) session.path("metadata")).put("company", bystander.companyId());
            session.put("client_reference_id", bystander.companyId());
            session.remove("customer");
        });
        assertThat(signedNow(unknown).body()).contains("refused");
        assertThat(available(bystander)).isEqualTo(bystanderBefore);
    }

    @Test
    void aSessionPaidWithAnotherAmountOrCurrencyGrantsNothing() throws Exception {
        Company company = company("Cheapskate");
        ObjectNode genuine = paidAndHeld(company, "pack_5000", "checkout.session.completed");
        long before = available(company);

        HttpResponse<String> oneCent = signedNow(variant(genuine, session -> session.put("amount_total", 1)));
        HttpResponse<String> euros = signedNow(variant(genuine, session -> session.put("currency", "eur")));
        HttpResponse<String> missing = signedNow(variant(genuine, session -> session.remove("amount_total")));

        for (HttpResponse<String> refused : java.util.List.of(oneCent, euros, missing)) {
            // 200: Stripe must not deliver it again; the refusal is logged for the alarm and listed by reconciliation.
            assertThat(refused.statusCode()).isEqualTo(200);
            assertThat(refused.body()).contains("refused: amount differs");
        }
        assertThat(available(company)).isEqualTo(before);
        assertThat(entries(company, EntryType.PURCHASE)).isZero();

        // The genuine event still grants, once.
        assertThat(signedNow(genuine).body()).contains("purchased 5000");
        assertThat(available(company)).isEqualTo(before + 5000);
    }

    @Test
    void aSessionPaidByAnotherCompanysCustomerGrantsNothing() throws Exception {
        Company company = company("Own Customer");
        Company other = company("Other Customer");
        stripe().holdDeliveries(true);
        pay(checkout(other, "{\"item\": \"pack_5000\"}"));
        String othersCustomer = lastEvent("checkout.session.completed").at("/data/object/customer").asText();
        pay(checkout(company, "{\"item\": \"pack_5000\"}"));
        ObjectNode genuine = lastEvent("checkout.session.completed");
        long before = available(company);

        assertThat(signedNow(variant(genuine, session -> session.put("customer", othersCustomer))).body()).contains("refused: customer differs");

        assertThat(available(company)).isEqualTo(before);
        assertThat(companyItem(company).get("stripeCustomerId").s()).isNotEqualTo(othersCustomer);
    }

    @Test
    void aSignatureFromTheFutureIsRefused() throws Exception {
        Company company = company("Time Traveller");
        String payload = Api.JSON.writeValueAsString(paidAndHeld(company, "pack_5000", "checkout.session.completed"));
        long before = available(company);

        HttpResponse<String> future = webhook(payload, StripeStandIn.signature(payload, Instant.now().getEpochSecond() + 600,
                StripeStandIn.WEBHOOK_SECRET));

        assertThat(future.statusCode()).isEqualTo(400);
        assertThat(Api.JSON.readTree(future.body()).at("/error/code").asText()).isEqualTo("invalid_signature");
        assertThat(available(company)).isEqualTo(before);
    }

    @Test
    void anInvoiceWithAnotherAmountOrReAddressedGrantsNothingAndTheGenuineOneGrantsOnce() throws Exception {
        Company payer = company("Plan Payer");
        Company bystander = company("Plan Bystander");
        ObjectNode genuine = paidAndHeld(payer, "plan_starter", "invoice.paid");
        long payerBefore = available(payer);
        long bystanderBefore = available(bystander);

        HttpResponse<String> cheaper = signedNow(variant(genuine, invoice -> ((ObjectNode) invoice.at("/lines/data/0")).put("amount", 1)));
        HttpResponse<String> euros = signedNow(variant(genuine, invoice -> invoice.put("currency", "eur")));
        HttpResponse<String> readdressed = signedNow(variant(genuine, invoice ->
                ((ObjectNode) invoice.at("/parent/subscription_details/metadata")).put("company", bystander.companyId())));

        assertThat(cheaper.body()).contains("refused: amount differs");
        assertThat(euros.body()).contains("refused: amount differs");
        assertThat(readdressed.body()).contains("unknown company");
        assertThat(available(payer)).isEqualTo(payerBefore);
        assertThat(available(bystander)).isEqualTo(bystanderBefore);
        // The genuine invoice, twice: its seat's credits once.
        assertThat(signedNow(genuine).body()).contains("granted 1000");
        assertThat(signedNow(variant(genuine, invoice -> { })).statusCode()).isEqualTo(200);
        assertThat(available(payer)).isEqualTo(payerBefore + 1000);
        assertThat(entries(payer, EntryType.GRANT)).isEqualTo(2); // the trial, and this invoice once
        assertThat(entries(bystander, EntryType.GRANT)).isEqualTo(1); // the trial only
    }

    /**
     * A proration after a seat change, or a manual invoice, is paid for a plan but is not its
     * period: it grants what its amount buys pro rata, never the plan's whole monthly credits.
     */
    @Test
    void aProrationOrManualInvoiceGrantsOnlyWhatItsAmountBuys() throws Exception {
        Company payer = company("Proration Payer");
        ObjectNode genuine = paidAndHeld(payer, "plan_starter", "invoice.paid");
        long before = available(payer);
        ObjectNode cent = variant(genuine, invoice -> {
            invoice.put("billing_reason", "subscription_update");
            invoice.put("amount_paid", 1);
            ((ObjectNode) invoice.at("/lines/data/0")).put("amount", 1);
            invoice.put("id", "in_proration_" + UUID.randomUUID().toString().substring(0, 8));
        });
        assertThat(signedNow(cent).body()).contains("granted 1");
        assertThat(signedNow(variant(cent, invoice -> { })).statusCode()).as("delivered again: granted once").isEqualTo(200);
        assertThat(available(payer)).isEqualTo(before + 1);
        ObjectNode manual = variant(genuine, invoice -> {
            invoice.put("billing_reason", "manual");
            invoice.put("amount_paid", 400);
            invoice.put("id", "in_manual_" + UUID.randomUUID().toString().substring(0, 8));
        });
        assertThat(signedNow(manual).body()).contains("granted 400");
        assertThat(available(payer)).isEqualTo(before + 401);
    }

    /**
     * Twenty {@code charge.refunded} events of one charge at once, with cumulative amounts of 10%
     * to 100% in any order (as retries and parallel deliveries bring them): exactly the largest
     * share is taken back, once.
     */
    @Test
    void concurrentRefundEventsTakeBackExactlyTheLargestRefundedShare() throws Exception {
        Company company = company("Concurrent Refunds");
        pay(checkout(company, "{\"item\": \"pack_5000\"}"));
        BillingTest.await(() -> available(company) == Api.TRIAL + 5000, "pack bought");
        String paymentIntent = lastEvent("checkout.session.completed").at("/data/object/payment_intent").asText();
        stripe().holdDeliveries(true);
        BillingTest.refund(paymentIntent, 500);
        ObjectNode first = lastEvent("charge.refunded");
        long[] cumulative = {500, 2500, 5000, 1000, 4000};
        java.util.List<ObjectNode> events = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            long cents = cumulative[i % cumulative.length];
            events.add(variant(first, charge -> charge.put("amount_refunded", cents)));
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(20);
        try {
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            java.util.List<java.util.concurrent.Future<HttpResponse<String>>> answers = new java.util.ArrayList<>();
            for (ObjectNode event : events) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return signedNow(event);
                }));
            }
            start.countDown();
            for (java.util.concurrent.Future<HttpResponse<String>> answer : answers) {
                assertThat(answer.get().statusCode()).as(answer.get().body()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(available(company)).as("the trial and the pack, less the whole pack, once").isEqualTo(Api.TRIAL);
        long takenBack = ledger().entries(company.companyId(), null, 100).stream().filter(e -> e.type() == EntryType.REFUND)
                .mapToLong(e -> Math.abs(e.amount())).sum();
        assertThat(takenBack).isEqualTo(5000);
        com.image2model.devstack.credits.LedgerInvariant.check(ledger(), company.companyId()).assertHolds();
    }
}
