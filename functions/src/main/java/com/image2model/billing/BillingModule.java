package com.image2model.billing;

import com.image2model.platform.NotConfigured;
import com.image2model.platform.Secrets;
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
        // STRIPE_API_BASE is set only where Stripe is stood in for; unset, stripe-java talks to Stripe itself.
        StripeApi stripe = new StripeApi(Secrets.value(Settings.STRIPE_SECRET_KEY_ARN, Secrets.Kind.STRIPE_API_KEY),
                Settings.find(Settings.STRIPE_API_BASE).orElse(null));
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

    public static java.util.function.Function<com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent,
            com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse> webhook() {
        // Fail closed: without usable secrets the endpoint refuses everything (503) instead of guessing.
        return Secrets.<java.util.function.Function<com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent,
                com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse>>orElse(() -> new StripeWebhookFunction(billing(),
                        Secrets.value(Settings.STRIPE_WEBHOOK_SECRET_ARN, Secrets.Kind.STRIPE_WEBHOOK_SECRET), Clock.systemUTC()),
                why -> new NotConfigured("stripeWebhook", why));
    }

    /**
     * The company API, telling billing when active membership changes. Billing (its Stripe client)
     * is built at the first membership change, not at start: most company requests are reads.
     */
    public static CompanyFunction company() {
        // The key is read (and checked) at init like every secret; only stripe-java's set-up waits for its first use.
        Secrets.value(Settings.STRIPE_SECRET_KEY_ARN, Secrets.Kind.STRIPE_API_KEY);
        java.util.concurrent.atomic.AtomicReference<Billing> billing = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.function.Supplier<Billing> lazyBilling = () -> billing.updateAndGet(b -> b == null ? billing() : b);
        return new CompanyFunction(CompanyModule.callers(), CompanyModule.memberships(), companyId -> lazyBilling.get().syncSeats(companyId),
                com.image2model.privacy.PrivacyModule.api(CreditsModule.ledger(), lazyBilling));
    }

    /** The erasure worker (DELETE /company's queue); billing deletes the company's Stripe customer. */
    public static com.image2model.privacy.ErasureFunction erasure() {
        Secrets.value(Settings.STRIPE_SECRET_KEY_ARN, Secrets.Kind.STRIPE_API_KEY);
        java.util.concurrent.atomic.AtomicReference<Billing> billing = new java.util.concurrent.atomic.AtomicReference<>();
        return com.image2model.privacy.PrivacyModule.erasure(() -> billing.updateAndGet(b -> b == null ? billing() : b));
    }
}
