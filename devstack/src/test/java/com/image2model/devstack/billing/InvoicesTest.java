package com.image2model.devstack.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.image2model.devstack.identity.Api;
import com.image2model.devstack.identity.LocalCognito;

/**
 * The Billing page's invoices and the receipts: a plan's invoices listed with their hosted page and
 * a PDF an independent reader opens, admins only, each company its own; a receipt email per pack
 * purchase and per paid invoice, once however often Stripe delivers the event.
 */
class InvoicesTest {

    private static List<LocalCognito.Email> receipts(String to) {
        return BillingTest.stack().cognito().outbox().stream().filter(m -> m.to().equals(to) && m.subject().startsWith("Image2Model receipt"))
                .toList();
    }

    @Test
    void aPlansInvoicesAreListedWithTheirPageAndPdfAndEachPaymentIsReceiptedOnce() throws Exception {
        BillingTest.Company company = BillingTest.company("Invoice Keepers");
        BillingTest.Company other = BillingTest.company("Invoice Neighbours");
        assertThat(BillingTest.get(company, "/billing/invoices").path("invoices")).isEmpty();

        BillingTest.pay(BillingTest.checkout(company, "{\"item\": \"pack_5000\"}"));
        BillingTest.await(() -> receipts(company.email()).size() == 1, "the pack's receipt");
        ObjectNode completed = BillingTest.lastEvent("checkout.session.completed");
        assertThat(BillingTest.stripe().deliver(completed)).isEqualTo(200);
        LocalCognito.Email pack = receipts(company.email()).get(0);
        assertThat(pack.subject()).contains("$50.00");
        assertThat(pack.body()).contains("5,000 credits").contains("Paid: $50.00").contains(completed.at("/data/object/id").asText());

        BillingTest.pay(BillingTest.checkout(company, "{\"item\": \"plan_starter\", \"seats\": 2}"));
        BillingTest.await(() -> receipts(company.email()).size() == 2, "the first invoice's receipt");
        ObjectNode paid = BillingTest.lastEvent("invoice.paid");
        assertThat(BillingTest.stripe().deliver(paid)).isEqualTo(200);
        assertThat(receipts(company.email())).as("one receipt per payment, redelivered or not").hasSize(2);

        JsonNode invoices = BillingTest.get(company, "/billing/invoices").path("invoices");
        assertThat(invoices).hasSize(1);
        JsonNode invoice = invoices.get(0);
        String number = paid.at("/data/object/number").asText();
        assertThat(invoice.path("number").asText()).isEqualTo(number);
        assertThat(invoice.path("amountCents").asLong()).isEqualTo(2000);
        assertThat(invoice.path("status").asText()).isEqualTo("paid");
        assertThat(receipts(company.email()).get(1).body()).contains(number).contains("Paid: $20.00").contains(invoice.path("hostedUrl").asText());

        HttpResponse<String> page = BillingTest.HTTP.send(HttpRequest.newBuilder(URI.create(invoice.path("hostedUrl").asText())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains(number).contains("$20.00");
        HttpResponse<byte[]> pdf = BillingTest.HTTP.send(HttpRequest.newBuilder(URI.create(invoice.path("pdfUrl").asText())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(pdf.headers().firstValue("content-type")).hasValue("application/pdf");
        try (PDDocument document = Loader.loadPDF(pdf.body())) {
            assertThat(document.getNumberOfPages()).isEqualTo(1);
            assertThat(new PDFTextStripper().getText(document)).contains("Invoice " + number).contains("Total: $20.00");
        }

        // A renewal is a second invoice, newest first.
        BillingTest.stripe().renew(BillingTest.lastEvent("customer.subscription.created").at("/data/object/id").asText());
        BillingTest.await(() -> BillingTest.get(company, "/billing/invoices").path("invoices").size() == 2, "the renewal's invoice");
        BillingTest.await(() -> receipts(company.email()).size() == 3, "the renewal's receipt");

        // Admins only; another company sees none of them.
        String memberToken = Api.joinAs(company.token(), "accounts@" + company.email().split("@")[1]).accessToken();
        assertThat(Api.call("GET", "/billing/invoices", memberToken, null).errorCode()).isEqualTo("admin_required");
        assertThat(BillingTest.get(other, "/billing/invoices").path("invoices")).isEmpty();
        assertThat(receipts(other.email())).isEmpty();
    }
}
