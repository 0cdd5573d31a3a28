package com.image2model.wiring;

import java.time.Clock;

import com.image2model.admin.AdminStore;
import com.image2model.admin.AdminViews;
import com.image2model.admin.AuditLog;
import com.image2model.admin.CompanyOperationsApi;
import com.image2model.admin.Figures;
import com.image2model.admin.Operations;
import com.image2model.admin.PlatformFiguresApi;
import com.image2model.company.CognitoUserDirectory;
import com.image2model.company.CompanyStore;
import com.image2model.credits.CreditLedger;
import com.image2model.jobs.JobStore;
import com.image2model.platform.AwsClients;
import com.image2model.platform.Settings;
import com.image2model.tenancy.MemberRoutes;
import com.image2model.tenancy.OperatorRoutes;

/** Builds the operator console's API from the environment (once per Lambda). */
public final class AdminModule {

    private AdminModule() {
    }

    /** The operator console's routes, one Lambda. */
    public static OperatorRoutes api() {
        String table = Settings.get(Settings.TABLE_NAME);
        CreditLedger ledger = CreditsModule.ledger();
        JobStore jobs = new JobStore(AwsClients.dynamoDb(), table, ledger, Clock.systemUTC());
        CompanyStore companies = new CompanyStore(AwsClients.dynamoDb(), table, Clock.systemUTC());
        Operations operations = new Operations(companies,
                new AdminStore(AwsClients.dynamoDb(), table), ledger, jobs,
                new CognitoUserDirectory(AwsClients::cognito, () -> Settings.get(Settings.USER_POOL_ID)),
                new AuditLog(AwsClients.dynamoDb(), table, Clock.systemUTC()), Clock.systemUTC());
        Figures figures = new Figures(AwsClients.dynamoDb(), table, jobs, com.image2model.credits.Catalog.load(), Clock.systemUTC());
        return new OperatorRoutes(MemberRoutes.merge(
                new CompanyOperationsApi(operations, companyId -> AdminViews.billingOf(companies.billing(companyId))).routes(),
                new PlatformFiguresApi(figures, operations).routes()), CompanyModule.operatorsGroup());
    }
}
