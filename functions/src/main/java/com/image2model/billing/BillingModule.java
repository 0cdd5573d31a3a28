package com.image2model.billing;

import java.time.Clock;

import com.image2model.company.CompanyModule;
import com.image2model.company.CompanyStore;
import com.image2model.company.CompanyFunction;
import com.image2model.company.Member;
import com.image2model.credits.Catalog;
import com.image2model.credits.CreditsModule;
import com.image2model.platform.AwsClients;
import com.image2model.platform.SesMailer;
import com.image2model.platform.Settings;

/** Builds the billing functions from the environment (once per Lambda). */
public final class BillingModule {

    private BillingModule() {
    }

    public static Billing billing() {
        String table = Settings.get(Settings.TABLE_NAME);
        CompanyStore companies = new CompanyStore(AwsClients.dynamoDb(), table, Clock.systemUTC());
        // STRIPE_API_BASE is set only where Stripe is stood in for (the devstack); real keys go to Stripe itself.
        String apiBase = Settings.find(Settings.STRIPE_SECRET_KEY).isPresent() && Settings.find(Settings.STRIPE_API_BASE).isEmpty()
                ? null : Settings.get(Settings.STRIPE_API_BASE);
        StripeApi stripe = new StripeApi(Settings.get(Settings.STRIPE_SECRET_KEY), apiBase);
        SesMailer mailer = new SesMailer(Settings.get(Settings.NOTIFY_FROM));
        return new Billing(AwsClients.dynamoDb(), table, stripe, CreditsModule.ledger(), Catalog.load(),
                companyId -> (int) companies.members(companyId).stream().filter(Member::active).count(),
                message -> mailer.send(companies.members(message[0]).stream().filter(Member::activeAdmin).map(Member::email).toList(),
                        message[1], message[2]),
                Clock.systemUTC());
    }

    public static BillingFunction api() {
        return new BillingFunction(CompanyModule.callers(), billing(), Settings.get(Settings.SITE_ORIGIN), Clock.systemUTC());
    }

    public static StripeWebhookFunction webhook() {
        return new StripeWebhookFunction(billing(), Settings.get(Settings.STRIPE_WEBHOOK_SECRET), Clock.systemUTC());
    }

    /**
     * The company API, telling billing when active membership changes. Billing (its Stripe client)
     * is built at the first membership change, not at start: most company requests are reads.
     */
    public static CompanyFunction company() {
        java.util.concurrent.atomic.AtomicReference<Billing> billing = new java.util.concurrent.atomic.AtomicReference<>();
        return new CompanyFunction(CompanyModule.callers(), CompanyModule.memberships(), companyId -> billing.updateAndGet(b -> b == null ? billing() : b).syncSeats(companyId));
    }
}
