package com.image2model.wiring;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.image2model.company.Company;
import com.image2model.company.CompanyStore;
import com.image2model.company.Member;
import com.image2model.credits.Catalog;
import com.image2model.credits.CompanyFacts;
import com.image2model.credits.CreditLedger;
import com.image2model.credits.CreditsApi;
import com.image2model.credits.CreditsSummary;
import com.image2model.credits.FairUse;
import com.image2model.credits.LowBalanceAlerts;
import com.image2model.credits.UsageApi;
import com.image2model.limits.PersonalLimits;
import com.image2model.platform.AwsClients;
import com.image2model.platform.SesMailer;
import com.image2model.platform.Settings;
import com.image2model.tenancy.MemberRoutes;

/** Builds the credits functions from the environment (once per Lambda). */
public final class CreditsModule {

    /** The ledger's settings: its table, who low-balance emails come from, and the threshold. */
    public record Config(String table, String notifyFrom, long lowBalanceThreshold) {
        static final List<String> SETTINGS = List.of(Settings.TABLE_NAME, Settings.NOTIFY_FROM, Settings.LOW_BALANCE_THRESHOLD);

        static Config load() {
            return new Config(Settings.get(Settings.TABLE_NAME), Settings.get(Settings.NOTIFY_FROM),
                    Settings.nonNegativeLong(Settings.LOW_BALANCE_THRESHOLD));
        }
    }

    private CreditsModule() {
    }

    /** The ledger, telling admins when their company's credits run low. */
    public static CreditLedger ledger() {
        return ledger((companyId, available, threshold, noticeId) -> { });
    }

    /** The same, telling the company's webhooks too (functions that have the deliveries queue). */
    public static CreditLedger ledgerTellingWebhooks() {
        return ledger(WebhooksModule.lowBalance());
    }

    static CreditLedger ledger(LowBalanceAlerts.Crossing alsoTell) {
        return ledger(lowBalanceAlerts(alsoTell));
    }

    public static CreditLedger ledger(LowBalanceAlerts alerts) {
        return new CreditLedger(AwsClients.dynamoDb(), Config.load().table(), Clock.systemUTC(), alerts);
    }

    /** The admins' low-balance emails (and {@code alsoTell}, the company's webhooks), sent again by the sweeper when a send failed. */
    public static LowBalanceAlerts lowBalanceAlerts(LowBalanceAlerts.Crossing alsoTell) {
        Config config = Config.load();
        CompanyStore companies = new CompanyStore(AwsClients.dynamoDb(), config.table(), Clock.systemUTC());
        SesMailer mailer = new SesMailer(config.notifyFrom());
        return new LowBalanceAlerts(AwsClients.dynamoDb(), config.table(), config.lowBalanceThreshold(),
                companyId -> companies.members(companyId).stream().filter(Member::activeAdmin).map(Member::email).toList(),
                mailer::send, alsoTell);
    }

    public static FairUse fairUse(Catalog catalog) {
        return new FairUse(AwsClients.dynamoDb(), Settings.get(Settings.TABLE_NAME), catalog.fairUseImagesPerMonth(),
                catalog.fairUseWarnAtPercent(), Clock.systemUTC());
    }

    /** The credits and usage routes, one Lambda. */
    public static MemberRoutes api() {
        Config config = Config.load();
        Catalog catalog = Catalog.load();
        CompanyStore companies = new CompanyStore(AwsClients.dynamoDb(), config.table(), Clock.systemUTC());
        CompanyFacts facts = new CompanyFacts() {
            @Override
            public Optional<String> plan(String companyId) {
                return companies.company(companyId).map(Company::plan);
            }

            @Override
            public Map<String, String> memberEmails(String companyId) {
                Map<String, String> emails = new HashMap<>();
                companies.members(companyId).forEach(m -> emails.put(m.id(), m.email()));
                return emails;
            }
        };
        CreditLedger ledger = ledger();
        PersonalLimits limits = new PersonalLimits(CompanyModule.rateLimiter(), CompanyModule.rateLimits());
        CreditsApi credits = new CreditsApi(ledger, catalog,
                new CreditsSummary(ledger, fairUse(catalog), facts, config.lowBalanceThreshold(), limits, Clock.systemUTC()));
        return new MemberRoutes(CompanyModule.callers(), MemberRoutes.merge(credits.routes(),
                new UsageApi(ledger, facts, projectNames(config.table()), Clock.systemUTC()).routes()));
    }

    private static UsageApi.ProjectNames projectNames(String table) {
        com.image2model.projects.ProjectStore projects = new com.image2model.projects.ProjectStore(AwsClients.dynamoDb(), table,
                Clock.systemUTC());
        return companyId -> {
            Map<String, String> names = new java.util.HashMap<>();
            projects.projects(companyId).forEach(p -> names.put(p.projectId(), p.name()));
            return names;
        };
    }
}
