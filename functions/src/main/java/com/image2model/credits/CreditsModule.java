package com.image2model.credits;

import java.time.Clock;

import com.image2model.company.CompanyStore;
import com.image2model.platform.AwsClients;
import com.image2model.platform.Settings;

/** Builds the credits functions from the environment (once per Lambda). */
public final class CreditsModule {

    private CreditsModule() {
    }

    public static CreditLedger ledger() {
        return new CreditLedger(AwsClients.dynamoDb(), Settings.get(Settings.TABLE_NAME), Clock.systemUTC());
    }

    public static FairUse fairUse(Catalog catalog) {
        return new FairUse(AwsClients.dynamoDb(), Settings.get(Settings.TABLE_NAME), catalog.fairUseImagesPerMonth(),
                catalog.fairUseWarnAtPercent(), Clock.systemUTC());
    }

    public static CreditsFunction api() {
        Catalog catalog = Catalog.load();
        return new CreditsFunction(ledger(), fairUse(catalog), new CompanyStore(AwsClients.dynamoDb(), Settings.get(Settings.TABLE_NAME), Clock.systemUTC()),
                catalog, Long.parseLong(Settings.get(Settings.LOW_BALANCE_THRESHOLD)), Clock.systemUTC());
    }

    public static SweeperFunction sweeper() {
        return new SweeperFunction(ledger(), Clock.systemUTC());
    }
}
