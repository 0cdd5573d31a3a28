package com.image2model.privacy;

import java.time.Clock;
import java.util.Map;

import com.image2model.billing.Billing;
import com.image2model.company.CognitoUserDirectory;
import com.image2model.company.CompanyStore;
import com.image2model.credits.CreditLedger;
import com.image2model.jobs.JobStore;
import com.image2model.platform.ApiResponses;
import com.image2model.platform.AwsClients;
import com.image2model.platform.SesMailer;
import com.image2model.platform.Settings;

/** Builds the GDPR routes and the erasure worker from the environment (once per Lambda). */
public final class PrivacyModule {

    private PrivacyModule() {
    }

    private static PrivacyStore store() {
        return new PrivacyStore(AwsClients.dynamoDb(), Settings.get(Settings.TABLE_NAME), AwsClients.s3());
    }

    private static CognitoUserDirectory users() {
        return new CognitoUserDirectory(AwsClients::cognito, () -> Settings.get(Settings.USER_POOL_ID));
    }

    /** The routes, for the company function; {@code billing} is asked only when a company is to be deleted. */
    public static PrivacyApi api(CreditLedger ledger, java.util.function.Supplier<Billing> billing) {
        String table = Settings.get(Settings.TABLE_NAME);
        CompanyStore companies = new CompanyStore(AwsClients.dynamoDb(), table, Clock.systemUTC());
        Exports exports = new Exports(new JobStore(AwsClients.dynamoDb(), table, ledger, Clock.systemUTC()), ledger, AwsClients.s3Presigner(),
                Settings.get(Settings.UPLOADS_BUCKET), Settings.get(Settings.RESULTS_BUCKET), Clock.systemUTC());
        String queue = Settings.get(Settings.ERASURE_QUEUE_URL);
        SesMailer mailer = new SesMailer(Settings.get(Settings.NOTIFY_FROM));
        PrivacyApi.Standing standing = new PrivacyApi.Standing() {
            @Override
            public boolean planActive(String companyId) {
                return billing.get().planActive(companyId);
            }

            @Override
            public long held(String companyId) {
                return ledger.balance(companyId).held();
            }
        };
        return new PrivacyApi(companies, com.image2model.company.CompanyModule.memberships(), store(), exports, standing,
                companyId -> AwsClients.sqs().sendMessage(m -> m.queueUrl(queue)
                        .messageBody(ApiResponses.JSON.writeValueAsString(Map.of("companyId", companyId)))),
                mailer::send, Clock.systemUTC());
    }

    public static ErasureFunction erasure(java.util.function.Supplier<Billing> billing) {
        String table = Settings.get(Settings.TABLE_NAME);
        SesMailer mailer = new SesMailer(Settings.get(Settings.NOTIFY_FROM));
        return new ErasureFunction(new CompanyStore(AwsClients.dynamoDb(), table, Clock.systemUTC()), users(), store(),
                companyId -> billing.get().forgetCustomer(companyId), mailer::send,
                Settings.get(Settings.UPLOADS_BUCKET), Settings.get(Settings.RESULTS_BUCKET));
    }
}
