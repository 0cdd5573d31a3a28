package com.image2model.billing;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** Stripe's event JSON, read once: present fields as they are, missing ones as nothing. */
class StripeEventsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static JsonNode json(String text) {
        return JSON.readTree(text.replace('\'', '"'));
    }

    @Test
    void anEventsIdTypeAndObject() {
        StripeEvents.Event event = StripeEvents.event(json("{'id':'evt_1','type':'checkout.session.completed','data':{'object':{'id':'cs_1'}}}"));
        assertThat(event.id()).isEqualTo("evt_1");
        assertThat(event.aboutCheckoutSession()).isTrue();
        assertThat(event.object().path("id").asString()).isEqualTo("cs_1");
        assertThat(StripeEvents.event(json("{}"))).extracting(StripeEvents.Event::id, StripeEvents.Event::type).containsExactly("", "");
    }

    @Test
    void aPaidSession() {
        StripeEvents.Session session = StripeEvents.session(json("{'id':'cs_1','metadata':{'company':'c1'},'payment_status':'paid',"
                + "'customer':'cus_1','amount_total':4900,'currency':'usd','payment_intent':'pi_1','created':1700000000}"));
        assertThat(session.paid()).isTrue();
        assertThat(session).extracting(StripeEvents.Session::namedCompany, StripeEvents.Session::customer, StripeEvents.Session::amountTotal,
                StripeEvents.Session::paymentIntent, StripeEvents.Session::created).containsExactly("c1", "cus_1", 4900L, "pi_1", 1700000000L);
    }

    @Test
    void aSessionWithoutItsFieldsIsNotPaidAndHasNoAmount() {
        StripeEvents.Session session = StripeEvents.session(json("{'id':'cs_1'}"));
        assertThat(session.paid()).isFalse();
        assertThat(session.amountTotal()).isEqualTo(-1);
        assertThat(session.customer()).isNull();
        assertThat(session.created()).isNull();
    }

    @Test
    void anInvoicesFirstLine() {
        StripeEvents.Invoice invoice = StripeEvents.invoice(json("{'id':'in_1','number':'A-1','billing_reason':'subscription_cycle',"
                + "'currency':'usd','amount_paid':5700,'lines':{'data':[{'amount':5700,'quantity':3,"
                + "'pricing':{'price_details':{'price':'price_team'}}}]}}"));
        assertThat(invoice).extracting(StripeEvents.Invoice::number, StripeEvents.Invoice::price, StripeEvents.Invoice::quantity,
                StripeEvents.Invoice::lineAmount, StripeEvents.Invoice::amountPaid).containsExactly("A-1", "price_team", 3, 5700L, 5700L);
    }

    @Test
    void anInvoiceWithoutLinesHasOneSeatAndNoAmount() {
        StripeEvents.Invoice invoice = StripeEvents.invoice(json("{'id':'in_1','lines':{'data':[{'quantity':0}]}}"));
        assertThat(invoice.quantity()).isEqualTo(1);
        assertThat(invoice.lineAmount()).isEqualTo(-1);
        assertThat(invoice.number()).isEqualTo("in_1");
        assertThat(invoice.price()).isNull();
    }

    @Test
    void aRefundedCharge() {
        StripeEvents.Charge charge = StripeEvents.charge(json("{'id':'ch_1','payment_intent':'pi_1','amount':4900,'amount_refunded':2450}"));
        assertThat(charge).extracting(StripeEvents.Charge::paymentIntent, StripeEvents.Charge::amount, StripeEvents.Charge::amountRefunded)
                .containsExactly("pi_1", 4900L, 2450L);
        assertThat(StripeEvents.charge(json("{'id':'ch_2'}")).amountRefunded()).isZero();
    }

    @Test
    void aSubscriptionAsAFetchAnswersIt() {
        StripeEvents.Subscription sub = StripeEvents.subscription(json("{'status':'active','start_date':1700000000,'cancel_at_period_end':true,"
                + "'items':{'data':[{'quantity':4,'current_period_end':1702592000,'price':{'id':'price_team'}}]}}"));
        assertThat(sub).extracting(StripeEvents.Subscription::status, StripeEvents.Subscription::price, StripeEvents.Subscription::quantity,
                StripeEvents.Subscription::currentPeriodEnd, StripeEvents.Subscription::cancelAtPeriodEnd, StripeEvents.Subscription::startedAt,
                StripeEvents.Subscription::endedAt).containsExactly("active", "price_team", 4L, 1702592000L, true, 1700000000L, null);
        assertThat(StripeEvents.subscription(json("{'created':5,'ended_at':9}"))).extracting(StripeEvents.Subscription::quantity,
                StripeEvents.Subscription::startedAt, StripeEvents.Subscription::endedAt).containsExactly(1L, 5L, 9L);
    }

    @Test
    void theCompanyOurMetadataNamesWhereverStripePutsIt() {
        assertThat(StripeEvents.namedCompany(json("{'metadata':{'company':'c1'},'client_reference_id':'c2'}"))).isEqualTo("c1");
        assertThat(StripeEvents.namedCompany(json("{'client_reference_id':'c2'}"))).isEqualTo("c2");
        assertThat(StripeEvents.namedCompany(json("{'parent':{'subscription_details':{'metadata':{'company':'c3'}}}}"))).isEqualTo("c3");
        assertThat(StripeEvents.namedCompany(json("{'subscription_details':{'metadata':{'company':'c4'}}}"))).isEqualTo("c4");
        assertThat(StripeEvents.namedCompany(json("{'metadata':{}}"))).isNull();
    }
}
