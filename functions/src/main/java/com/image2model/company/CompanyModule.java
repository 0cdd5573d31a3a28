package com.image2model.company;

import java.time.Clock;

import com.image2model.credits.Catalog;
import com.image2model.platform.AwsClients;
import com.image2model.platform.Settings;

/** Builds the membership rules from the environment (once per Lambda). */
public final class CompanyModule {

    private CompanyModule() {
    }

    public static Memberships memberships() {
        return new Memberships(
                new CompanyStore(AwsClients.dynamoDb(), Settings.get(Settings.TABLE_NAME), Clock.systemUTC()),
                new CognitoUserDirectory(AwsClients::cognito, () -> Settings.get(Settings.USER_POOL_ID)),
                new SignUpPolicy(Settings.get(Settings.FREE_MAIL_DOMAINS), Settings.get(Settings.BLOCKED_EMAIL_DOMAINS)),
                Catalog.load().trialCredits(),
                Clock.systemUTC());
    }
}
