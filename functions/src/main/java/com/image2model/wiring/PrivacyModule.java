package com.image2model.wiring;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import com.image2model.billing.Billing;
import com.image2model.company.CognitoUserDirectory;
import com.image2model.company.CompanyStore;
import com.image2model.credits.CreditLedger;
import com.image2model.jobs.JobStore;
import com.image2model.platform.ApiResponses;
import com.image2model.platform.AwsClients;
import com.image2model.platform.SesMailer;
import com.image2model.platform.Settings;
import com.image2model.privacy.AccountDeletion;
import com.image2model.privacy.CompanyErasure;
import com.image2model.privacy.ErasureFunction;
import com.image2model.privacy.Exports;
import com.image2model.privacy.PrivacyApi;
import com.image2model.privacy.PrivacyStore;

/** Builds the GDPR routes and the erasure worker from the environment (once per Lambda). */
public final class PrivacyModule {

    /** What the GDPR routes reach: the buckets exports sign URLs for (and erasure empties), and the erasure queue. */
    public record Config(String table, String notifyFrom, String uploadsBucket, String resultsBucket) {
        static final List<String> SETTINGS = List.of(Settings.UPLOADS_BUCKET, Settings.RESULTS_BUCKET);
        static final List<String> QUEUE = List.of(Settings.ERASURE_QUEUE_URL);

        static Config load() {
            return new Config(Settings.get(Settings.TABLE_NAME), Settings.get(Settings.NOTIFY_FROM), Settings.get(Settings.UPLOADS_BUCKET),
                    Settings.get(Settings.RESULTS_BUCKET));
        }
    }

    private PrivacyModule() {
    }

    private static PrivacyStore store(Config config) {
        return new PrivacyStore(AwsClients.dynamoDb(), config.table(), AwsClients.s3());
    }

    private static CognitoUserDirectory users() {
        return new CognitoUserDirectory(AwsClients::cognito, () -> Settings.get(Settings.USER_POOL_ID));
    }

    /** The routes, for the company function; {@code billing} is asked only when a company is to be deleted. */
    public static PrivacyApi api(CreditLedger ledger, Supplier<Billing> billing) {
        Config config = Config.load();
        CompanyStore companies = new CompanyStore(AwsClients.dynamoDb(), config.table(), Clock.systemUTC());
        Exports exports = new Exports(new JobStore(AwsClients.dynamoDb(), config.table(), ledger, Clock.systemUTC()), ledger,
                AwsClients.s3Presigner(), config.uploadsBucket(), config.resultsBucket(), Clock.systemUTC());
        String queue = Settings.get(Settings.ERASURE_QUEUE_URL);
        SesMailer mailer = new SesMailer(config.notifyFrom());
        AccountDeletion.Standing standing = new AccountDeletion.Standing() {
            @Override
            public boolean planActive(String companyId) {
                return billing.get().planActive(companyId);
            }

            @Override
            public long held(String companyId) {
                return ledger.balance(companyId).held();
            }
        };
        AccountDeletion deletion = new AccountDeletion(companies, CompanyModule.memberships(), store(config), standing,
                companyId -> AwsClients.sqs().sendMessage(m -> m.queueUrl(queue)
                        .messageBody(ApiResponses.JSON.writeValueAsString(Map.of("companyId", companyId)))),
                mailer::send, Clock.systemUTC());
        return new PrivacyApi(companies, exports, deletion);
    }

    /** The erasure worker (DELETE /company's queue); billing deletes the company's Stripe customer. */
    public static ErasureFunction erasure() {
        Supplier<Billing> billing = BillingModule.lazyBilling();
        Config config = Config.load();
        SesMailer mailer = new SesMailer(config.notifyFrom());
        return new ErasureFunction(new CompanyErasure(new CompanyStore(AwsClients.dynamoDb(), config.table(), Clock.systemUTC()), users(),
                store(config), companyId -> billing.get().forgetCustomer(companyId), mailer::send, config.uploadsBucket(),
                config.resultsBucket()));
    }
}
