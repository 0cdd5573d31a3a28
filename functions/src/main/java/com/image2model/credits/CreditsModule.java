package com.image2model.credits;

import java.time.Clock;

import com.image2model.company.CompanyStore;
import com.image2model.company.Member;
import com.image2model.platform.SesMailer;
import com.image2model.platform.AwsClients;
import com.image2model.platform.Settings;

/** Builds the credits functions from the environment (once per Lambda). */
public final class CreditsModule {

    private CreditsModule() {
    }

    /** The ledger, telling admins when their company's credits run low. */
    public static CreditLedger ledger() {
        String table = Settings.get(Settings.TABLE_NAME);
        CompanyStore companies = new CompanyStore(AwsClients.dynamoDb(), table, Clock.systemUTC());
        SesMailer mailer = new SesMailer(Settings.get(Settings.NOTIFY_FROM));
        LowBalanceAlerts alerts = new LowBalanceAlerts(AwsClients.dynamoDb(), table, Long.parseLong(Settings.get(Settings.LOW_BALANCE_THRESHOLD)),
                companyId -> companies.members(companyId).stream().filter(Member::activeAdmin).map(Member::email).toList(),
                mailer::send);
        return new CreditLedger(AwsClients.dynamoDb(), table, Clock.systemUTC(), alerts);
    }

    public static FairUse fairUse(Catalog catalog) {
        return new FairUse(AwsClients.dynamoDb(), Settings.get(Settings.TABLE_NAME), catalog.fairUseImagesPerMonth(),
                catalog.fairUseWarnAtPercent(), Clock.systemUTC());
    }

    public static CreditsFunction api() {
        Catalog catalog = Catalog.load();
        return new CreditsFunction(com.image2model.company.CompanyModule.callers(), ledger(), fairUse(catalog), new CompanyStore(AwsClients.dynamoDb(), Settings.get(Settings.TABLE_NAME), Clock.systemUTC()),
                catalog, Long.parseLong(Settings.get(Settings.LOW_BALANCE_THRESHOLD)),
                new com.image2model.limits.PersonalLimits(com.image2model.company.CompanyModule.rateLimiter(),
                        com.image2model.company.CompanyModule.rateLimits()), Clock.systemUTC());
    }

}
