package com.image2model.devstack.iam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.image2model.devstack.TestStack;
import com.image2model.devstack.aws.LocalSecretsManager;
import com.image2model.platform.AwsClients;
import com.image2model.platform.Settings;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The devstack's IAM: each function's calls to the AWS stand-ins are allowed exactly as its
 * Policies in template.yaml say, and a denied call is answered as AWS answers it (error code and
 * status). The calls here go through the functions' own SDK clients, as the function named.
 */
class IamTest {

    private static final String TABLE = TestStack.setting(Settings.TABLE_NAME);

    private static Map<String, AttributeValue> key(String pk) {
        return Map.of("PK", AttributeValue.fromS(pk), "SK", AttributeValue.fromS("IAMTEST"));
    }

    private static AwsServiceException denied(String function, Runnable call) {
        return catchThrowableOfType(AwsServiceException.class, () -> CallerIdentity.as(function, () -> {
            call.run();
            return null;
        }));
    }

    @Test
    void aReadOnlyFunctionReadsButCannotWrite() {
        assertThatCode(() -> CallerIdentity.as("PreSignUpFunction", () ->
                AwsClients.dynamoDb().getItem(g -> g.tableName(TABLE).key(key("IAM#read"))))).doesNotThrowAnyException();
        AwsServiceException e = denied("PreSignUpFunction", () ->
                AwsClients.dynamoDb().putItem(p -> p.tableName(TABLE).item(key("IAM#write"))));
        assertThat(e).as("a put by a DynamoDBReadPolicy function").isNotNull();
        assertThat(e.statusCode()).isEqualTo(400);
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
        assertThat(e.getMessage()).contains("PreSignUpFunction").contains("dynamodb:PutItem").contains(":table/" + TABLE);
        // Nothing was written.
        assertThat(TestStack.get().aws().dynamoDb().getItem(g -> g.tableName(TABLE).key(key("IAM#write"))).hasItem()).isFalse();
    }

    @Test
    void aTransactionIsAuthorizedItemByItem() {
        AwsServiceException e = denied("PreTokenGenerationFunction", () -> AwsClients.dynamoDb().transactWriteItems(t -> t.transactItems(
                w -> w.put(p -> p.tableName(TABLE).item(key("IAM#tx"))))));
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
        assertThat(e.getMessage()).contains("dynamodb:PutItem");
    }

    /** The pre-token trigger may update only the attributes its condition lists (PK, SK, lastSignInAt). */
    @Test
    void anAttributeConditionAllowsOnlyTheAttributesItNames() {
        assertThatCode(() -> CallerIdentity.as("PreTokenGenerationFunction", () -> AwsClients.dynamoDb().updateItem(u -> u.tableName(TABLE)
                .key(key("IAM#signin")).updateExpression("SET lastSignInAt = :at")
                .expressionAttributeValues(Map.of(":at", AttributeValue.fromS("now")))))).doesNotThrowAnyException();
        AwsServiceException e = denied("PreTokenGenerationFunction", () -> AwsClients.dynamoDb().updateItem(u -> u.tableName(TABLE)
                .key(key("IAM#signin")).updateExpression("SET #r = :admin").expressionAttributeNames(Map.of("#r", "role"))
                .expressionAttributeValues(Map.of(":admin", AttributeValue.fromS("admin")))));
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
    }

    @Test
    void secretsCognitoAndSesAreEachTheirOwnPermission() {
        String stripeKey = LocalSecretsManager.arnOf(TestStack.get().provisioner().secretName("StripeApiKeySecret"));
        AwsServiceException secret = denied("CreditsFunction", () -> AwsClients.secretsManager().getSecretValue(g -> g.secretId(stripeKey)));
        assertThat(secret.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
        assertThatCode(() -> CallerIdentity.as("BillingFunction", () -> AwsClients.secretsManager().getSecretValue(g -> g.secretId(stripeKey))))
                .doesNotThrowAnyException();
        AwsServiceException cognito = denied("JobsFunction", () -> AwsClients.cognito().adminDeleteUser(d -> d
                .userPoolId(TestStack.setting(Settings.USER_POOL_ID)).username("nobody")));
        assertThat(cognito.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
        // Allowed, the call goes through to the user pool (which knows no such user).
        AwsServiceException missing = denied("CompanyFunction", () -> AwsClients.cognito().adminDeleteUser(d -> d
                .userPoolId(TestStack.setting(Settings.USER_POOL_ID)).username("nobody")));
        assertThat(missing.awsErrorDetails().errorCode()).isEqualTo("UserNotFoundException");
    }

    @Test
    void callsOfTheDevstackItselfAreNotRestrictedAndWildcardsMatchAsInIam() {
        assertThatCode(() -> TestStack.get().aws().dynamoDb().putItem(p -> p.tableName(TABLE).item(key("IAM#devstack"))))
                .doesNotThrowAnyException();
        assertThat(Iam.matches("sqs:sendmessage*", "sqs:sendmessagebatch")).isTrue();
        assertThat(Iam.matches("arn:aws:s3:::uploads/uploads/*", "arn:aws:s3:::uploads/uploads/c1/j1/f001.png")).isTrue();
        assertThat(Iam.matches("arn:aws:s3:::uploads/uploads/*", "arn:aws:s3:::results/uploads/x")).isFalse();
        assertThat(Iam.matches("arn:aws:dynamodb:*:*:table/T", "arn:aws:dynamodb:us-east-1:0:table/T2")).isFalse();
    }
}
