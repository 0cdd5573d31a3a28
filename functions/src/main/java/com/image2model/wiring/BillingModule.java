package com.image2model.wiring;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.image2model.billing.Billing;
import com.image2model.billing.BillingApi;
import com.image2model.billing.BillingFunction;
import com.image2model.billing.BillingStore;
import com.image2model.billing.StripeApi;
import com.image2model.billing.StripeWebhookFunction;
import com.image2model.company.CompanyStore;
import com.image2model.company.Member;
import com.image2model.credits.Catalog;
import com.image2model.platform.AwsClients;
import com.image2model.platform.Secrets;
import com.image2model.platform.SesMailer;
import com.image2model.platform.Settings;

/** Builds the billing functions from the environment (once per Lambda). */
public final class BillingModule {

    /** How Stripe is reached: the ARN of its secret key and, where Stripe is stood in for, its address (unset: api.stripe.com). */
    public record Config(String table, String notifyFrom, String secretKeyArn, Optional<String> apiBase) {
        static final List<String> SETTINGS = List.of(Settings.STRIPE_SECRET_KEY_ARN, Settings.STRIPE_API_BASE);

        static Config load() {
            return new Config(Settings.get(Settings.TABLE_NAME), Settings.get(Settings.NOTIFY_FROM), Settings.get(Settings.STRIPE_SECRET_KEY_ARN),
                    Settings.find(Settings.STRIPE_API_BASE));
        }
    }

    private BillingModule() {
    }

    public static Billing billing() {
        return billing(CreditsModule.ledger());
    }

    static Billing billing(com.image2model.credits.CreditLedger ledger) {
        Config config = Config.load();
        CompanyStore companies = new CompanyStore(AwsClients.dynamoDb(), config.table(), Clock.systemUTC());
        StripeApi stripe = new StripeApi(stripeKey(), config.apiBase().orElse(null));
        SesMailer mailer = new SesMailer(config.notifyFrom());
        return new Billing(new BillingStore(AwsClients.dynamoDb(), config.table(), companies, Clock.systemUTC()), stripe, ledger,
                Catalog.load(),
                companyId -> (int) companies.members(companyId).stream().filter(Member::active).count(),
                message -> mailer.send(companies.members(message[0]).stream().filter(Member::activeAdmin).map(Member::email).toList(),
                        message[1], message[2]),
                Clock.systemUTC());
    }

    /** Stripe's secret key, one per Lambda: read on first use (see {@link Secrets}), so a first deploy without it succeeds. */
    private static final AtomicReference<Secrets.Secret> STRIPE_KEY = new AtomicReference<>();

    static Secrets.Secret stripeKey() {
        return STRIPE_KEY.updateAndGet(k -> k != null ? k : Secrets.secret(Settings.STRIPE_SECRET_KEY_ARN, Secrets.Kind.STRIPE_API_KEY));
    }

    /** Billing built at its first use, not at start (most requests of the company function never need it). */
    static Supplier<Billing> lazyBilling() {
        stripeKey();
        AtomicReference<Billing> billing = new AtomicReference<>();
        return () -> billing.updateAndGet(b -> b == null ? billing() : b);
    }

    public static BillingFunction api() {
        Billing billing = billing();
        return new BillingFunction(CompanyModule.callers(), billing, new BillingApi(billing, Settings.get(Settings.SITE_ORIGIN), Clock.systemUTC()),
                CompanyModule.operatorsGroup(), Settings.flag(Settings.BILLING_ENABLED));
    }

    /** Fail closed: without usable secrets each delivery is refused (503) until they are put. */
    public static Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> webhook() {
        Billing billing = billing(CreditsModule.ledgerTellingWebhooks()).notifying(WebhooksModule.purchases());
        return new StripeWebhookFunction(billing, Secrets.secret(Settings.STRIPE_WEBHOOK_SECRET_ARN, Secrets.Kind.STRIPE_WEBHOOK_SECRET),
                Clock.systemUTC(), Settings.flag(Settings.BILLING_ENABLED));
    }
}
