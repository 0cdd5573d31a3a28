package com.image2model.admin;

import java.time.Clock;
import java.util.Map;

import com.image2model.company.CognitoUserDirectory;
import com.image2model.company.CompanyStore;
import com.image2model.credits.CreditLedger;
import com.image2model.credits.CreditsModule;
import com.image2model.jobs.JobStore;
import com.image2model.platform.AwsClients;
import com.image2model.platform.DynamoItems;
import com.image2model.platform.Settings;

/** Builds the operator console's API from the environment (once per Lambda). */
public final class AdminModule {

    private AdminModule() {
    }

    public static AdminFunction api() {
        String table = Settings.get(Settings.TABLE_NAME);
        CreditLedger ledger = CreditsModule.ledger();
        JobStore jobs = new JobStore(AwsClients.dynamoDb(), table, ledger, Clock.systemUTC());
        Operations operations = new Operations(new CompanyStore(AwsClients.dynamoDb(), table, Clock.systemUTC()),
                new AdminStore(AwsClients.dynamoDb(), table), ledger, jobs,
                new CognitoUserDirectory(AwsClients::cognito, () -> Settings.get(Settings.USER_POOL_ID)),
                new AuditLog(AwsClients.dynamoDb(), table, Clock.systemUTC()), Clock.systemUTC());
        Figures figures = new Figures(AwsClients.dynamoDb(), table, jobs, com.image2model.credits.Catalog.load(), Clock.systemUTC());
        return new AdminFunction(operations, figures, companyId -> {
            Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item = AwsClients.dynamoDb()
                    .getItem(g -> g.tableName(table).key(DynamoItems.key("C#" + companyId, "COMPANY")).consistentRead(true)).item();
            return AdminFunction.billingOf(item == null ? Map.of() : item);
        });
    }
}
