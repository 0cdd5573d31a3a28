package com.image2model.wiring;

import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

import com.image2model.billing.Billing;
import com.image2model.company.CognitoUserDirectory;
import com.image2model.company.CompanyApi;
import com.image2model.company.CompanyStore;
import com.image2model.company.DnsTxtRecords;
import com.image2model.company.InvitationStore;
import com.image2model.company.Invitations;
import com.image2model.company.InvitationsApi;
import com.image2model.company.JoinRequestsApi;
import com.image2model.company.Memberships;
import com.image2model.company.SignUpPolicy;
import com.image2model.credits.Catalog;
import com.image2model.limits.DynamoRateCounters;
import com.image2model.limits.LimitExceeded;
import com.image2model.limits.RateLimit;
import com.image2model.limits.RateLimiter;
import com.image2model.limits.RateLimits;
import com.image2model.limits.TooManyRequests;
import com.image2model.platform.AwsClients;
import com.image2model.platform.SesMailer;
import com.image2model.platform.Settings;
import com.image2model.tenancy.Callers;
import com.image2model.tenancy.MemberRoutes;

/** Builds the membership rules, the callers' check and the per-person limits from the environment (once per Lambda). */
public final class CompanyModule {

    /**
     * Who may sign up: the table, the free-mail and blocked domains (comma-separated, on top of the
     * vendored list), the sender of the admins' emails, and the DNS server that checks domains
     * (null: the system's).
     */
    public record Config(String table, String freeMailDomains, String blockedDomains, String notifyFrom, String dnsResolver,
                         String trialSalt) {
        static final List<String> SETTINGS = List.of(Settings.TABLE_NAME, Settings.FREE_MAIL_DOMAINS, Settings.BLOCKED_EMAIL_DOMAINS,
                Settings.NOTIFY_FROM, Settings.DNS_RESOLVER, Settings.TRIAL_HASH_SALT);

        static Config load() {
            return new Config(Settings.get(Settings.TABLE_NAME), Settings.get(Settings.FREE_MAIL_DOMAINS),
                    Settings.get(Settings.BLOCKED_EMAIL_DOMAINS), Settings.get(Settings.NOTIFY_FROM),
                    Settings.find(Settings.DNS_RESOLVER).orElse(null), Settings.get(Settings.TRIAL_HASH_SALT));
        }
    }

    /** The per-person limits: jobs a minute, images an hour, requests a second. */
    public record Rates(long jobsPerMinute, long imagesPerHour, long requestsPerSecond) {
        static final List<String> SETTINGS = List.of(Settings.RATE_JOBS_PER_MINUTE, Settings.RATE_IMAGES_PER_HOUR,
                Settings.RATE_REQUESTS_PER_SECOND);

        static Rates load() {
            return new Rates(Settings.positiveLong(Settings.RATE_JOBS_PER_MINUTE), Settings.positiveLong(Settings.RATE_IMAGES_PER_HOUR),
                    Settings.positiveLong(Settings.RATE_REQUESTS_PER_SECOND));
        }
    }

    private CompanyModule() {
    }

    /** Checks every API caller's membership against the table, then counts the request (see {@link Callers}). */
    public static Callers callers() {
        CompanyStore store = new CompanyStore(AwsClients.dynamoDb(), Settings.get(Settings.TABLE_NAME), Clock.systemUTC());
        RateLimiter limiter = rateLimiter();
        RateLimit requests = rateLimits().requests();
        return new Callers(store::standing, caller -> {
            try {
                // A key has a limit of its own: a busy pipeline does not use up its maker's.
                limiter.take(caller.companyId(), caller.isApiKey() ? "apikey:" + caller.keyId() : caller.userId(), requests);
            } catch (LimitExceeded e) {
                throw TooManyRequests.of(e);
            }
        }, ApiKeysModule.keys());
    }

    /** The operators' group as the user pool says now (every operator request asks). */
    public static com.image2model.tenancy.Operators.Group operatorsGroup() {
        CognitoUserDirectory directory = new CognitoUserDirectory(AwsClients::cognito, () -> Settings.get(Settings.USER_POOL_ID));
        return userId -> directory.inGroup(userId, com.image2model.tenancy.Operators.GROUP);
    }

    public static RateLimits rateLimits() {
        Rates rates = Rates.load();
        return RateLimits.of(rates.jobsPerMinute(), rates.imagesPerHour(), rates.requestsPerSecond());
    }

    public static RateLimiter rateLimiter() {
        return new RateLimiter(new DynamoRateCounters(AwsClients.dynamoDb(), Settings.get(Settings.TABLE_NAME)), Clock.systemUTC());
    }

    /**
     * The company function: the company's and the privacy routes, telling billing when active
     * membership changes (seats follow it).
     */
    public static MemberRoutes api() {
        Supplier<Billing> billing = BillingModule.lazyBilling();
        Parts parts = Parts.load();
        Memberships memberships = memberships(parts);
        CompanyApi company = new CompanyApi(memberships, companyId -> billing.get().syncSeats(companyId));
        JoinRequestsApi joining = new JoinRequestsApi(memberships, company::seatsChanged);
        InvitationsApi invitations = new InvitationsApi(invitations(parts), company::seatsChanged);
        return new MemberRoutes(callers(), MemberRoutes.merge(company.routes(), joining.routes(), invitations.routes(),
                ApiKeysModule.api().routes(), WebhooksModule.api().routes(), PrivacyModule.api(CreditsModule.ledger(), billing).routes(company::seatsChanged)), joining.accountRoutes(),
                invitations.publicRoutes());
    }

    /** What the membership and invitation rules share, built once per Lambda. */
    private record Parts(Config config, CompanyStore store, CognitoUserDirectory users, SignUpPolicy policy, SesMailer mailer) {
        static Parts load() {
            Config config = Config.load();
            return new Parts(config, new CompanyStore(AwsClients.dynamoDb(), config.table(), Clock.systemUTC()),
                    // Read by the company function's routes (which declare it): the Cognito triggers cannot
                    // be given the pool's id (the pool names them: a circular reference).
                    new CognitoUserDirectory(AwsClients::cognito, () -> Settings.get(Settings.USER_POOL_ID)),
                    new SignUpPolicy(config.freeMailDomains(), config.blockedDomains()), new SesMailer(config.notifyFrom()));
        }
    }

    /** The invitations' rules: their accept links point at the web app ({@code SITE_ORIGIN}). */
    private static Invitations invitations(Parts parts) {
        return new Invitations(parts.store(), new InvitationStore(AwsClients.dynamoDb(), parts.config().table()), parts.users(),
                parts.policy(), Clock.systemUTC(), parts.mailer()::send, Settings.get(Settings.SITE_ORIGIN));
    }

    /**
     * Scheduled: the re-check of every verified domain's TXT record, which also switches automatic
     * joining off on every unverified domain (its first run after the deploy is that migration).
     */
    public static java.util.function.Function<java.util.Map<String, Object>, java.util.Map<String, Object>> domainCheck() {
        Memberships memberships = memberships();
        return scheduledEvent -> java.util.Map.of("autoJoinTurnedOff", memberships.recheckDomains());
    }

    public static Memberships memberships() {
        return memberships(Parts.load());
    }

    private static Memberships memberships(Parts parts) {
        return new Memberships(parts.store(), parts.users(), parts.policy(), Catalog.load().trialCredits(), Clock.systemUTC(),
                parts.mailer()::send, new DnsTxtRecords(parts.config().dnsResolver()), parts.config().trialSalt());
    }
}
