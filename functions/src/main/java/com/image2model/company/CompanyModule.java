package com.image2model.company;

import com.image2model.tenancy.Callers;
import java.time.Clock;

import com.image2model.credits.Catalog;
import com.image2model.platform.AwsClients;
import com.image2model.platform.Settings;

/** Builds the membership rules from the environment (once per Lambda). */
public final class CompanyModule {

    private CompanyModule() {
    }

    /** Checks every API caller's membership against the table (see {@link Callers}). */
    public static Callers callers() {
        CompanyStore store = new CompanyStore(AwsClients.dynamoDb(), Settings.get(Settings.TABLE_NAME), Clock.systemUTC());
        com.image2model.limits.RateLimiter limiter = rateLimiter();
        com.image2model.limits.RateLimit requests = rateLimits().requests();
        return new Callers(store::standing, caller -> {
            try {
                limiter.take(caller.companyId(), caller.userId(), requests);
            } catch (com.image2model.limits.LimitExceeded e) {
                throw com.image2model.limits.TooManyRequests.of(e);
            }
        });
    }

    /** The per-person limits, from RATE_JOBS_PER_MINUTE, RATE_IMAGES_PER_HOUR and RATE_REQUESTS_PER_HOUR. */
    public static com.image2model.limits.RateLimits rateLimits() {
        return com.image2model.limits.RateLimits.of(Settings.getLong(Settings.RATE_JOBS_PER_MINUTE),
                Settings.getLong(Settings.RATE_IMAGES_PER_HOUR), Settings.getLong(Settings.RATE_REQUESTS_PER_HOUR));
    }

    public static com.image2model.limits.RateLimiter rateLimiter() {
        return new com.image2model.limits.RateLimiter(
                new com.image2model.limits.DynamoRateCounters(AwsClients.dynamoDb(), Settings.get(Settings.TABLE_NAME)), Clock.systemUTC());
    }

    public static Memberships memberships() {
        return new Memberships(
                new CompanyStore(AwsClients.dynamoDb(), Settings.get(Settings.TABLE_NAME), Clock.systemUTC()),
                // Read when an invitation is made (the company function, which declares it): the Cognito
                // triggers cannot be given the pool's id (the pool names them: a circular reference).
                new CognitoUserDirectory(AwsClients::cognito, () -> Settings.get(Settings.USER_POOL_ID)),
                new SignUpPolicy(Settings.get(Settings.FREE_MAIL_DOMAINS), Settings.get(Settings.BLOCKED_EMAIL_DOMAINS)),
                Catalog.load().trialCredits(),
                Clock.systemUTC());
    }
}
