package com.image2model.devstack.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.image2model.credits.Catalog;
import com.image2model.devstack.identity.Api;
import com.image2model.devstack.jobs.Jobs;
import com.image2model.devstack.samples.SampleImages;
import com.image2model.devstack.stripe.StripeStandIn;

/**
 * The operators' figures after a scripted month in the devstack: packs, a seat plan renewed and
 * then cancelled, a refund, images of each quality and a failed one. The devstack is shared with
 * other tests, so each figure is checked as what this script added to it.
 */
class FiguresTest {

    private static final Catalog CATALOG = Catalog.load();

    private static String operatorToken() throws Exception {
        String email = "figures-ops@" + Api.domain("figures-ops");
        Api.signUp(email, "Figures Ops");
        BillingTest.stack().cognito().addToGroup(email, "operators");
        return Api.login().signIn(email, Api.PASSWORD).accessToken();
    }

    private static JsonNode get(String token, String path) throws Exception {
        Api.Answer answer = Api.call("GET", path, token, null);
        assertThat(answer.status()).as("%s %s", path, answer.body()).isEqualTo(200);
        return answer.body();
    }

    private static long n(JsonNode node, String pointer) {
        return node.at(pointer).asLong(0);
    }

    private static String subscribe(BillingTest.Company company, String plan, int seats) throws Exception {
        BillingTest.pay(BillingTest.checkout(company, "{\"item\": \"" + plan + "\", \"seats\": " + seats + "}"));
        BillingTest.await(() -> "active".equals(BillingTest.get(company, "/billing").path("status").asText()), "subscribed");
        return BillingTest.lastEvent("customer.subscription.created").at("/data/object/id").asText();
    }

    private static void stripePost(String path, String form) throws Exception {
        HttpResponse<String> answer = BillingTest.HTTP.send(HttpRequest.newBuilder(URI.create(BillingTest.stripe().url() + path))
                .header("Authorization", "Bearer " + StripeStandIn.SECRET_KEY).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    }

    private static void images(Jobs.Company company, String quality, int count) throws Exception {
        List<byte[]> pictures = java.util.Collections.nCopies(count, SampleImages.photoJpeg(quality.length() * 10 + count, 320, 240));
        JsonNode job = Jobs.create(company, quality, pictures, "image/jpeg").body();
        Jobs.uploadAll(job, pictures);
        Jobs.await(company, job.path("jobId").asText(), j -> j.path("state").asText().matches("DONE|FAILED|PARTIAL"));
    }

    @Test
    void aScriptedMonthGivesRevenueFalCostMrrAndChurnToTheCent() throws Exception {
        String ops = operatorToken();
        String month = YearMonth.now(ZoneOffset.UTC).toString();
        JsonNode before = get(ops, "/admin/metrics?month=" + month);
        JsonNode revenueBefore = get(ops, "/admin/revenue?churnMonth=" + month);

        // A buys a pack; C buys one and gets half of it refunded.
        BillingTest.Company a = BillingTest.company("Figures Packs");
        BillingTest.pay(BillingTest.checkout(a, "{\"item\": \"pack_5000\"}"));
        BillingTest.await(() -> BillingTest.entries(a, com.image2model.credits.CreditLedger.EntryType.PURCHASE) == 1, "A's pack");
        BillingTest.Company c = BillingTest.company("Figures Refunded");
        BillingTest.pay(BillingTest.checkout(c, "{\"item\": \"pack_5000\"}"));
        BillingTest.await(() -> BillingTest.entries(c, com.image2model.credits.CreditLedger.EntryType.PURCHASE) == 1, "C's pack");
        String intent = BillingTest.lastEvent("checkout.session.completed").at("/data/object/payment_intent").asText();
        stripePost("/v1/refunds", "payment_intent=" + intent + "&amount=2500");
        BillingTest.await(() -> BillingTest.entries(c, com.image2model.credits.CreditLedger.EntryType.REFUND) == 1, "C's refund");

        // B: a seat plan since last month, renewed, then cancelled at the period's end.
        BillingTest.Company b = BillingTest.company("Figures Churned");
        String bSub = subscribe(b, "plan_starter", 2);
        BillingTest.stripe().backdate(bSub, YearMonth.now(ZoneOffset.UTC).minusMonths(1).atDay(10).atStartOfDay(ZoneOffset.UTC).toEpochSecond());
        BillingTest.stripe().renew(bSub);
        BillingTest.await(() -> BillingTest.entries(b, com.image2model.credits.CreditLedger.EntryType.GRANT) >= 3, "B's renewal credits");
        stripePost("/v1/subscriptions/" + bSub, "cancel_at_period_end=true");
        BillingTest.stripe().renew(bSub);
        BillingTest.await(() -> "canceled".equals(BillingTest.get(b, "/billing").path("status").asText()), "B cancelled");
        // D: a plan that stays.
        BillingTest.Company d = BillingTest.company("Figures Subscriber");
        subscribe(d, "plan_professional", 3);

        // Images: A makes two low, one medium, one high; one more low fails at FAL.
        Jobs.Company maker = new Jobs.Company(a.token(), a.companyId(), a.email());
        images(maker, "low", 2);
        images(maker, "medium", 1);
        images(maker, "high", 1);
        BillingTest.stack().fal().failNextResults(1);
        images(maker, "low", 1);

        JsonNode after = get(ops, "/admin/metrics?month=" + month);
        JsonNode revenueAfter = get(ops, "/admin/revenue?churnMonth=" + month);

        long starter = CATALOG.item("plan_starter").orElseThrow().priceCents();
        long professional = CATALOG.item("plan_professional").orElseThrow().priceCents();
        long expectedRevenue = 5000 + (5000 - 2500) + 2 * (2 * starter) + 3 * professional;
        // What the Stripe stand-in was paid for these companies, to the cent.
        long paidAtStripe = 0;
        for (var event : BillingTest.stripe().events()) {
            String type = event.path("type").asText();
            JsonNode object = event.at("/data/object");
            String customer = object.path("customer").asText();
            boolean ours = List.of(a, b, c, d).stream().anyMatch(x -> customer.equals(customerOf(x)));
            if (!ours) {
                continue;
            }
            if (type.equals("checkout.session.completed") && object.path("mode").asText().equals("payment")) {
                paidAtStripe += object.path("amount_total").asLong();
            } else if (type.equals("invoice.paid")) {
                paidAtStripe += object.path("amount_paid").asLong();
            } else if (type.equals("charge.refunded")) {
                paidAtStripe -= 2500;
            }
        }
        assertThat(paidAtStripe).isEqualTo(expectedRevenue);
        assertThat(n(after, "/revenueCents/total") - n(before, "/revenueCents/total")).isEqualTo(expectedRevenue);
        assertThat(n(after, "/revenueCents/refunds") - n(before, "/revenueCents/refunds")).isEqualTo(-2500);

        long falCost = 2 * CATALOG.generation("low").falCostCents() + CATALOG.generation("medium").falCostCents()
                + CATALOG.generation("high").falCostCents() + CATALOG.generation("low").falCostCents();
        assertThat(n(after, "/falCostCents") - n(before, "/falCostCents")).isEqualTo(falCost);
        assertThat(n(after, "/falBilledFailures") - n(before, "/falBilledFailures")).isEqualTo(1);
        assertThat(n(after, "/imagesDoneByQuality/low") - n(before, "/imagesDoneByQuality/low")).isEqualTo(2);
        assertThat(n(after, "/imagesDoneByQuality/high") - n(before, "/imagesDoneByQuality/high")).isEqualTo(1);
        assertThat(n(after, "/imagesByState/FAILED") - n(before, "/imagesByState/FAILED")).isEqualTo(1);
        assertThat(n(after, "/companies/new") - n(before, "/companies/new")).isEqualTo(4);
        assertThat(n(after, "/grossProfitCents")).isEqualTo(n(after, "/revenueCents/total") - n(after, "/falCostCents"));
        String today = Instant.now().atZone(ZoneOffset.UTC).toLocalDate().toString();
        long todayBefore = 0;
        for (JsonNode day : before.path("daily")) {
            if (day.path("day").asText().equals(today)) {
                todayBefore = day.path("revenueCents").asLong();
            }
        }
        for (JsonNode day : after.path("daily")) {
            if (day.path("day").asText().equals(today)) {
                assertThat(day.path("revenueCents").asLong() - todayBefore).isEqualTo(expectedRevenue);
            }
        }

        // MRR: D's plan is added, B's is gone; churn this month: B, who subscribed before it began.
        assertThat(n(revenueAfter, "/mrrCents") - n(revenueBefore, "/mrrCents")).isEqualTo(3 * professional);
        assertThat(n(revenueAfter, "/arrCents")).isEqualTo(12 * n(revenueAfter, "/mrrCents"));
        assertThat(n(revenueAfter, "/subscribersByPlan/plan_professional") - n(revenueBefore, "/subscribersByPlan/plan_professional")).isEqualTo(1);
        assertThat(n(revenueAfter, "/churn/subscribersAtStart") - n(revenueBefore, "/churn/subscribersAtStart")).isEqualTo(1);
        assertThat(n(revenueAfter, "/churn/churned") - n(revenueBefore, "/churn/churned")).isEqualTo(1);
        assertThat(n(revenueAfter, "/churn/mrrChurnedCents") - n(revenueBefore, "/churn/mrrChurnedCents")).isEqualTo(2 * starter);
        assertThat(revenueAfter.at("/packRevenueByMonth/11/month").asText()).isEqualTo(month);
        assertThat(Api.call("GET", "/admin/metrics?month=2026-13", ops, null).errorCode()).isEqualTo("invalid_month");
        // Each company's revenue to date in the directory: C paid 5,000 and got 2,500 back.
        for (JsonNode row : get(ops, "/admin/companies?query=figures%20refunded").path("companies")) {
            if (row.path("companyId").asText().equals(c.companyId())) {
                assertThat(row.path("revenueToDateCents").asLong()).isEqualTo(2500);
            }
        }
        assertThat(get(ops, "/admin/companies?query=figures%20refunded").path("companies").findValuesAsText("companyId")).contains(c.companyId());
    }

    private static String customerOf(BillingTest.Company company) {
        var item = BillingTest.stack().aws().dynamoDb().getItem(g -> g.tableName(BillingTest.stack().provisioner().ref("Table"))
                .key(com.image2model.platform.DynamoItems.key("C#" + company.companyId(), "COMPANY"))).item();
        return item.containsKey("stripeCustomerId") ? item.get("stripeCustomerId").s() : "";
    }
}
