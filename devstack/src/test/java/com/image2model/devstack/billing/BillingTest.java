package com.image2model.devstack.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.image2model.credits.CreditLedger;
import com.image2model.devstack.Stack;
import com.image2model.devstack.TestStack;
import com.image2model.devstack.credits.LedgerInvariant;
import com.image2model.devstack.identity.Api;
import com.image2model.devstack.identity.LoginFlow;
import com.image2model.devstack.stripe.StripeStandIn;

/** Stripe billing through the devstack: the stand-in's pages and signed events, the webhook, the ledger. */
class BillingTest {

    static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    record Company(String token, String companyId, String email) {
    }

    @AfterEach
    void release() {
        stripe().holdDeliveries(false);
    }

    static Stack stack() {
        return TestStack.get();
    }

    static StripeStandIn stripe() {
        return stack().stripe();
    }

    static CreditLedger ledger() {
        return new CreditLedger(stack().aws().dynamoDb(), stack().provisioner().ref("Table"), Clock.systemUTC());
    }

    static Company company(String name) throws Exception {
        String email = "admin@" + Api.domain(name);
        LoginFlow.Result result = Api.signUp(email, name);
        return new Company(result.accessToken(), Api.claims(result.accessToken()).path("company_id").asText(), email);
    }

    static String checkout(Company company, String body) throws Exception {
        Api.Answer answer = Api.call("POST", "/billing/checkout", company.token(), body);
        assertThat(answer.status()).as("%s", answer.body()).isEqualTo(201);
        return answer.body().path("url").asText();
    }

    /** Opens the checkout page and presses Pay, as a person would; answers where Stripe sends them back. */
    static String pay(String checkoutUrl) throws Exception {
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(checkoutUrl)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"pay\"");
        HttpResponse<String> paid = HTTP.send(HttpRequest.newBuilder(URI.create(checkoutUrl + "/pay"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("card=4242424242424242")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(paid.statusCode()).isEqualTo(303);
        return paid.headers().firstValue("location").orElseThrow();
    }

    static void await(BooleanSupplier condition, String what) throws Exception {
        long until = System.currentTimeMillis() + 20_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > until) {
                throw new AssertionError("Not within 20 s: " + what);
            }
            Thread.sleep(100);
        }
    }

    static long entries(Company company, CreditLedger.EntryType type) {
        return ledger().entries(company.companyId(), null, 500).stream().filter(e -> e.type() == type).count();
    }

    static HttpResponse<String> webhook(String payload, String signature) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack().front().url() + "/webhooks/stripe"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(payload));
        if (signature != null) {
            request.header("Stripe-Signature", signature);
        }
        return com.image2model.devstack.api.ApiContract.checked(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()));
    }

    static ObjectNode lastEvent(String type) {
        List<ObjectNode> events = stripe().events();
        for (int i = events.size() - 1; i >= 0; i--) {
            if (events.get(i).path("type").asText().equals(type)) {
                return events.get(i);
            }
        }
        throw new AssertionError("No " + type + " event");
    }

    // ------------------------------------------------------------------ the devstack scenario

    @Test
    void buyingThe5000PackThroughTheCheckoutPageRaisesTheBalanceBy5000Once() throws Exception {
        Company company = company("Pack Buyers");
        long before = ledger().balance(company.companyId()).available();

        String url = checkout(company, "{\"item\": \"pack_5000\"}");
        String back = pay(url);

        assertThat(back).startsWith(stack().front().url() + "/#/billing?checkout=success&session_id=cs_test_");
        await(() -> ledger().balance(company.companyId()).available() == before + 5000, "balance +5000");
        // Stripe delivers again: nothing more.
        ObjectNode completed = lastEvent("checkout.session.completed");
        assertThat(stripe().deliver(completed)).isEqualTo(200);
        assertThat(stripe().deliver(completed)).isEqualTo(200);
        assertThat(ledger().balance(company.companyId()).available()).isEqualTo(before + 5000);
        assertThat(entries(company, CreditLedger.EntryType.PURCHASE)).isEqualTo(1);
        LedgerInvariant.check(ledger(), company.companyId()).assertHolds();
    }

    @Test
    void starterWithThreeSeatsGrants3000OnTheFirstInvoiceAnd3000OnTheNextCycle() throws Exception {
        Company company = company("Seat Holders");
        long before = ledger().balance(company.companyId()).available();

        pay(checkout(company, "{\"item\": \"plan_starter\", \"seats\": 3}"));

        await(() -> ledger().balance(company.companyId()).available() == before + 3000, "first invoice: +3000");
        await(() -> "plan_starter".equals(get(company, "/billing").path("plan").asText()), "plan recorded");
        JsonNode billing = get(company, "/billing");
        assertThat(billing.path("seats").asInt()).isEqualTo(3);
        assertThat(billing.path("status").asText()).isEqualTo("active");
        String subscription = lastEvent("customer.subscription.created").at("/data/object/id").asText();

        stripe().renew(subscription);

        await(() -> ledger().balance(company.companyId()).available() == before + 6000, "next cycle: +3000");
        assertThat(entries(company, CreditLedger.EntryType.GRANT)).isEqualTo(3); // trial + two periods
        // A second subscription is refused: the portal changes plans.
        assertThat(Api.call("POST", "/billing/checkout", company.token(), "{\"item\": \"plan_professional\"}").errorCode())
                .isEqualTo("already_subscribed");
        Api.Answer portal = Api.call("POST", "/billing/portal", company.token(), null);
        assertThat(portal.status()).isEqualTo(201);
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(portal.body().path("url").asText())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.body()).contains("Starter").contains("Seats: 3");
        LedgerInvariant.check(ledger(), company.companyId()).assertHolds();
    }

    @Test
    void seatsFollowMembership() throws Exception {
        Company company = company("Growing Team");
        pay(checkout(company, "{\"item\": \"plan_professional\"}"));
        await(() -> get(company, "/billing").path("seats").asInt() == 1, "one seat for one member");
        String subscription = lastEvent("customer.subscription.created").at("/data/object/id").asText();

        String invitee = "new@" + company.email().substring(company.email().indexOf('@') + 1);
        Api.invite(company.token(), invitee, "member");
        assertThat(get(company, "/billing").path("seats").asInt()).as("an invitation not yet accepted is no seat").isEqualTo(1);
        String newMember = Api.claims(Api.invitedMemberWithLastInvitation(invitee).accessToken()).path("sub").asText();
        await(() -> get(company, "/billing").path("seats").asInt() == 2, "two seats after the invitation was accepted");

        Api.call("PATCH", "/company/members/" + newMember, company.token(), "{\"active\": false}");
        await(() -> get(company, "/billing").path("seats").asInt() == 1, "one seat after the deactivation");
        assertThat(stripe().events().stream().filter(e -> e.path("type").asText().equals("customer.subscription.updated")
                && e.at("/data/object/id").asText().equals(subscription)).count()).isGreaterThanOrEqualTo(2);
    }

    /**
     * An Unlimited plan whose renewal fails keeps its free images for the catalog's grace period
     * (3 days), then its images cost credits until it is paid again.
     */
    @Test
    void anOverdueUnlimitedPlanStopsItsFreeImagesAfterTheGracePeriod() throws Exception {
        Company company = company("Overdue Unlimited");
        pay(checkout(company, "{\"item\": \"plan_unlimited\"}"));
        await(() -> "plan_unlimited".equals(get(company, "/billing").path("plan").asText()), "subscribed");
        String subscription = lastEvent("customer.subscription.created").at("/data/object/id").asText();
        String job = "{\"quality\":\"low\",\"files\":[{\"name\":\"a.png\",\"contentType\":\"image/png\",\"size\":1000}]}";
        assertThat(Api.call("POST", "/jobs", company.token(), job).body().path("cost").asLong()).as("paid plan: free").isZero();

        stripe().failRenewal(subscription);
        await(() -> "past_due".equals(get(company, "/billing").path("status").asText()), "status past_due");
        assertThat(Api.call("POST", "/jobs", company.token(), job).body().path("cost").asLong()).as("within the grace period").isZero();

        // Four days later (the company item as the clock would have left it).
        String table = stack().provisioner().ref("Table");
        stack().aws().dynamoDb().updateItem(u -> u.tableName(table).key(java.util.Map.of(
                "PK", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("C#" + company.companyId()),
                "SK", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("COMPANY")))
                .updateExpression("SET overdueSince = :then").expressionAttributeValues(java.util.Map.of(":then",
                        software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromN(String.valueOf(
                                java.time.Instant.now().minus(java.time.Duration.ofDays(4)).getEpochSecond())))));
        Api.Answer charged = Api.call("POST", "/jobs", company.token(), job);
        assertThat(charged.status()).as("%s", charged.body()).isEqualTo(201);
        assertThat(charged.body().path("cost").asLong()).as("past the grace: credits").isEqualTo(35);

        stripe().renew(subscription);
        await(() -> "active".equals(get(company, "/billing").path("status").asText()), "paid again");
        assertThat(Api.call("POST", "/jobs", company.token(), job).body().path("cost").asLong()).as("paid again: free").isZero();
    }

    @Test
    void aFailedRenewalMarksTheCompanyPastDueAndTellsItsAdminsOnce() throws Exception {
        Company company = company("Card Expired");
        pay(checkout(company, "{\"item\": \"plan_starter\", \"seats\": 1}"));
        await(() -> "active".equals(get(company, "/billing").path("status").asText()), "subscribed");
        String subscription = lastEvent("customer.subscription.created").at("/data/object/id").asText();
        // The first invoice's credits arrive by their own event, which may come after the subscription's.
        await(() -> ledger().balance(company.companyId()).available() >= Api.TRIAL + 1000, "the first period's credits");
        long before = ledger().balance(company.companyId()).available();

        stripe().failRenewal(subscription);

        await(() -> get(company, "/billing").path("pastDue").asBoolean(), "past due");
        await(() -> "past_due".equals(get(company, "/billing").path("status").asText()), "status past_due");
        assertThat(stripe().deliver(lastEvent("invoice.payment_failed"))).isEqualTo(200);
        assertThat(stack().cognito().outbox().stream().filter(m -> m.to().equals(company.email())
                && m.subject().contains("payment failed")).count()).isEqualTo(1);
        assertThat(ledger().balance(company.companyId()).available()).isEqualTo(before);
        // Paid at last: no longer past due, and the period's credits come.
        stripe().renew(subscription);
        await(() -> !get(company, "/billing").path("pastDue").asBoolean(), "paid again");
        assertThat(ledger().balance(company.companyId()).available()).isEqualTo(before + 1000);
    }

    // ------------------------------------------------------------------ webhooks

    @Test
    void signaturesAreCheckedOnTheRawBody() throws Exception {
        Company company = company("Signed Events");
        stripe().holdDeliveries(true);
        pay(checkout(company, "{\"item\": \"pack_5000\"}"));
        ObjectNode event = lastEvent("checkout.session.completed");
        String payload = Api.JSON.writeValueAsString(event);
        long now = Instant.now().getEpochSecond();
        long before = ledger().balance(company.companyId()).available();

        HttpResponse<String> tampered = webhook(payload.replace("\"pack_5000\"", "\"pack_50000\""),
                StripeStandIn.signature(payload, now, StripeStandIn.WEBHOOK_SECRET));
        HttpResponse<String> wrongSecret = webhook(payload, StripeStandIn.signature(payload, now, "whsec_someone_else"));
        HttpResponse<String> stale = webhook(payload, StripeStandIn.signature(payload, now - 400, StripeStandIn.WEBHOOK_SECRET));
        HttpResponse<String> unsigned = webhook(payload, null);

        for (HttpResponse<String> refused : List.of(tampered, wrongSecret, stale, unsigned)) {
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        }
        assertThat(Api.JSON.readTree(stale.body()).at("/error/code").asText()).isEqualTo("invalid_signature");
        assertThat(ledger().balance(company.companyId()).available()).isEqualTo(before);

        // The genuine event, three times: one purchase.
        for (int i = 0; i < 3; i++) {
            assertThat(webhook(payload, StripeStandIn.signature(payload, Instant.now().getEpochSecond(), StripeStandIn.WEBHOOK_SECRET))
                    .statusCode()).isEqualTo(200);
        }
        assertThat(ledger().balance(company.companyId()).available()).isEqualTo(before + 5000);
        assertThat(entries(company, CreditLedger.EntryType.PURCHASE)).isEqualTo(1);

        // An event type billing does not handle: 200, ignored.
        String unknown = "{\"id\":\"evt_unknown_1\",\"object\":\"event\",\"type\":\"customer.tax_id.created\",\"data\":{\"object\":{}}}";
        HttpResponse<String> ignored = webhook(unknown, StripeStandIn.signature(unknown, Instant.now().getEpochSecond(), StripeStandIn.WEBHOOK_SECRET));
        assertThat(ignored.statusCode()).isEqualTo(200);
        assertThat(ignored.body()).contains("ignored");
    }

    @Test
    void anInvoicePaidBeforeItsSubscriptionExistsStillGrantsOnceAndTheStateEndsRight() throws Exception {
        Company company = company("Early Invoice");
        long before = ledger().balance(company.companyId()).available();
        stripe().holdDeliveries(true);
        pay(checkout(company, "{\"item\": \"plan_starter\", \"seats\": 2}"));
        ObjectNode created = lastEvent("customer.subscription.created");
        ObjectNode invoicePaid = lastEvent("invoice.paid");
        ObjectNode completed = lastEvent("checkout.session.completed");

        assertThat(stripe().deliver(invoicePaid)).isEqualTo(200);
        assertThat(ledger().balance(company.companyId()).available()).isEqualTo(before + 2000);
        assertThat(stripe().deliver(created)).isEqualTo(200);
        assertThat(stripe().deliver(completed)).isEqualTo(200);
        assertThat(stripe().deliver(invoicePaid)).isEqualTo(200);

        assertThat(ledger().balance(company.companyId()).available()).isEqualTo(before + 2000);
        JsonNode billing = get(company, "/billing");
        assertThat(billing.path("plan").asText()).isEqualTo("plan_starter");
        assertThat(billing.path("seats").asInt()).isEqualTo(2);
    }

    @Test
    void anOldSubscriptionUpdateAfterANewerOneDoesNotUndoIt() throws Exception {
        Company company = company("Late Events");
        pay(checkout(company, "{\"item\": \"plan_starter\", \"seats\": 2}"));
        await(() -> get(company, "/billing").path("seats").asInt() == 2, "two seats");
        String subscription = lastEvent("customer.subscription.created").at("/data/object/id").asText();
        Api.Answer portal = Api.call("POST", "/billing/portal", company.token(), null);
        String portalUrl = portal.body().path("url").asText();

        stripe().holdDeliveries(true);
        changeSeats(portalUrl, 5);
        ObjectNode older = lastEvent("customer.subscription.updated");
        changeSeats(portalUrl, 4);
        ObjectNode newer = lastEvent("customer.subscription.updated");
        assertThat(older.at("/data/object/items/data/0/quantity").asInt()).isEqualTo(5);

        assertThat(stripe().deliver(newer)).isEqualTo(200);
        assertThat(stripe().deliver(older)).isEqualTo(200);

        assertThat(get(company, "/billing").path("seats").asInt()).isEqualTo(4);
        assertThat(older.at("/data/object/id").asText()).isEqualTo(subscription);
    }

    private static void changeSeats(String portalUrl, int seats) throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(portalUrl + "/seats"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("quantity=" + seats)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(303);
    }

    @Test
    void aRefundTakesTheCreditsBackOnceAndANegativeBalanceRefusesNewJobs() throws Exception {
        Company company = company("Refund Seekers");
        pay(checkout(company, "{\"item\": \"pack_5000\"}"));
        await(() -> ledger().balance(company.companyId()).available() == Api.TRIAL + 5000, "pack bought");
        String paymentIntent = lastEvent("checkout.session.completed").at("/data/object/payment_intent").asText();
        // The company spends most of it...
        ledger().adjust(company.companyId(), -5000, "spent in a test", "test", "spend-" + company.companyId());

        // ...then half the payment is refunded, then the rest.
        stripe().holdDeliveries(true);
        refund(paymentIntent, 2500);
        ObjectNode half = lastEvent("charge.refunded");
        assertThat(stripe().deliver(half)).isEqualTo(200);
        assertThat(stripe().deliver(half)).isEqualTo(200);
        assertThat(ledger().balance(company.companyId()).available()).isEqualTo(Api.TRIAL - 2500);
        refund(paymentIntent, 2500);
        assertThat(stripe().deliver(lastEvent("charge.refunded"))).isEqualTo(200);
        assertThat(ledger().balance(company.companyId()).available()).isEqualTo(Api.TRIAL - 5000);
        assertThat(entries(company, CreditLedger.EntryType.REFUND)).isEqualTo(2);

        Api.Answer refused = Api.call("POST", "/jobs", company.token(),
                "{\"quality\":\"low\",\"files\":[{\"name\":\"a.png\",\"contentType\":\"image/png\",\"size\":100}]}");
        assertThat(refused.status()).isEqualTo(402);
        assertThat(refused.body().at("/error/message").asText()).contains(String.valueOf(Api.TRIAL - 5000));
        LedgerInvariant.check(ledger(), company.companyId()).assertHolds();
    }

    /** A plan's invoice refunded, then disputed: its included credits come back out once, in proportion. */
    @Test
    void aRefundOrDisputeOfAPlanInvoiceTakesBackItsIncludedCredits() throws Exception {
        Company company = company("Plan Refunds");
        pay(checkout(company, "{\"item\": \"plan_starter\"}"));
        await(() -> ledger().balance(company.companyId()).available() == Api.TRIAL + 1000, "the seat's credits granted");
        String paymentIntent = lastEvent("invoice.paid").at("/data/object/payments/data/0/payment/payment_intent").asText();
        assertThat(paymentIntent).startsWith("pi_");

        stripe().holdDeliveries(true);
        refund(paymentIntent, 500);
        assertThat(stripe().deliver(lastEvent("charge.refunded"))).isEqualTo(200);
        assertThat(ledger().balance(company.companyId()).available()).as("half the invoice: half its 1,000 credits").isEqualTo(Api.TRIAL + 500);
        refund(paymentIntent, 500);
        assertThat(stripe().deliver(lastEvent("charge.refunded"))).isEqualTo(200);
        assertThat(stripe().deliver(lastEvent("charge.refunded"))).isEqualTo(200);
        assertThat(ledger().balance(company.companyId()).available()).isEqualTo(Api.TRIAL);
        assertThat(entries(company, CreditLedger.EntryType.REFUND)).isEqualTo(2);
        LedgerInvariant.check(ledger(), company.companyId()).assertHolds();
    }

    static void refund(String paymentIntent, long cents) throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(stripe().url() + "/v1/refunds"))
                .header("Authorization", "Bearer " + StripeStandIn.SECRET_KEY).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("payment_intent=" + paymentIntent + "&amount=" + cents)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    }

    // ------------------------------------------------------------------ who may

    @Test
    void aMemberCannotStartACheckoutAndACompanyBuysOnlyForItself() throws Exception {
        Company company = company("Careful Buyers");
        String domain = company.email().substring(company.email().indexOf('@') + 1);
        LoginFlow.Result member = Api.joinAs(company.token(), "member@" + domain);
        Company other = company("Other Buyers");

        Api.Answer refused = Api.call("POST", "/billing/checkout", member.accessToken(), "{\"item\": \"pack_5000\"}");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.errorCode()).isEqualTo("admin_required");
        assertThat(Api.call("POST", "/billing/portal", member.accessToken(), null).status()).isEqualTo(403);

        // Naming another company in the body changes nothing: the session is for the caller's company.
        stripe().holdDeliveries(true);
        String url = checkout(company, "{\"item\": \"pack_5000\", \"company\": \"" + other.companyId() + "\", \"companyId\": \""
                + other.companyId() + "\"}");
        pay(url);
        JsonNode session = lastEvent("checkout.session.completed").at("/data/object");
        assertThat(session.path("client_reference_id").asText()).isEqualTo(company.companyId());
        assertThat(session.at("/metadata/company").asText()).isEqualTo(company.companyId());
        assertThat(stripe().deliver(lastEvent("checkout.session.completed"))).isEqualTo(200);
        assertThat(ledger().balance(other.companyId()).available()).isEqualTo(Api.TRIAL);
        assertThat(ledger().balance(company.companyId()).available()).isEqualTo(Api.TRIAL + 5000);

        assertThat(Api.call("POST", "/billing/checkout", company.token(), "{\"item\": \"pack_1\"}").errorCode()).isEqualTo("unknown_item");
        assertThat(Api.call("POST", "/billing/checkout", company.token(), "{\"item\": \"plan_starter\", \"seats\": 0}").errorCode())
                .isEqualTo("invalid_seats");
        assertThat(Api.call("POST", "/billing/portal", other.token(), null).errorCode()).isEqualTo("no_billing_account");
        assertThat(Api.call("GET", "/billing/plans", null, null).body().path("items")).hasSize(7);
    }

    // ------------------------------------------------------------------ reconciliation

    @Test
    void theReconciliationReportShowsNoDifferenceAfterTheScenarioAndIsForOperatorsOnly() throws Exception {
        Company company = company("Reconciled");
        pay(checkout(company, "{\"item\": \"pack_5000\"}"));
        pay(checkout(company, "{\"item\": \"plan_starter\", \"seats\": 3}"));
        await(() -> ledger().balance(company.companyId()).available() == Api.TRIAL + 5000 + 3000, "pack and first invoice");
        String subscription = lastEvent("customer.subscription.created").at("/data/object/id").asText();
        ObjectNode renewal = stripe().renew(subscription);
        await(() -> ledger().balance(company.companyId()).available() == Api.TRIAL + 5000 + 6000, "second invoice");

        assertThat(Api.call("GET", "/admin/billing/reconcile", company.token(), null).errorCode()).isEqualTo("operators_only");
        stack().cognito().addToGroup(company.email(), "operators");
        String operator = Api.login().signIn(company.email(), Api.PASSWORD).accessToken();
        String month = YearMonth.now(ZoneOffset.UTC).toString();
        Api.Answer report = Api.call("GET", "/admin/billing/reconcile?month=" + month, operator, null);

        assertThat(report.status()).as("%s", report.body()).isEqualTo(200);
        assertThat(report.body().path("differences")).isEmpty();
        assertThat(report.body().path("differenceCents").asLong()).isZero();
        assertThat(report.body().path("stripePaidCents").asLong()).isGreaterThanOrEqualTo(5000 + 3000 + 3000);
        assertThat(report.body().path("withinTarget").asBoolean()).isTrue();
        assertThat(renewal.path("amount_paid").asLong()).isEqualTo(3000);
        assertThat(Api.call("GET", "/admin/billing/reconcile?month=nope", operator, null).errorCode()).isEqualTo("invalid_month");
    }

    static JsonNode get(Company company, String path) {
        try {
            return Api.call("GET", path, company.token(), null).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
