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

    /** S3 too: the worker reads uploads but writes nothing; only the FAL webhook and sweeper write results. */
    @Test
    void s3ObjectsAreAllowedByActionAndPrefix() {
        String uploads = TestStack.setting(Settings.UPLOADS_BUCKET);
        String results = TestStack.setting(Settings.RESULTS_BUCKET);
        String key = "uploads/iam-test/j1/f001.png";
        TestStack.get().aws().s3().putObject(p -> p.bucket(uploads).key(key), software.amazon.awssdk.core.sync.RequestBody.fromString("x"));
        assertThatCode(() -> CallerIdentity.as("WorkerFunction", () -> AwsClients.s3().getObjectAsBytes(g -> g.bucket(uploads).key(key))))
                .doesNotThrowAnyException();
        AwsServiceException write = denied("WorkerFunction", () -> AwsClients.s3().putObject(p -> p.bucket(uploads).key("uploads/iam-test/x.png"),
                software.amazon.awssdk.core.sync.RequestBody.fromString("forged")));
        assertThat(write).as("a put by a function that may only read uploads").isNotNull();
        assertThat(write.statusCode()).isEqualTo(403);
        assertThat(write.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
        assertThat(write.getMessage()).contains("WorkerFunction").contains("s3:PutObject").contains(uploads + "/uploads/iam-test/x.png");
        // The worker writes results (a big model's conversion), under results/ only.
        AwsServiceException outsideResults = denied("WorkerFunction", () -> AwsClients.s3().putObject(p -> p.bucket(results)
                .key("elsewhere/x.glb"), software.amazon.awssdk.core.sync.RequestBody.fromString("forged")));
        assertThat(outsideResults.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
        AwsServiceException delete = denied("JobsFunction", () -> AwsClients.s3().deleteObject(d -> d.bucket(uploads).key(key)));
        assertThat(delete.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
        // A multi-object delete is authorized key by key: the erasure may delete under uploads/ only.
        AwsServiceException outside = denied("ErasureFunction", () -> AwsClients.s3().deleteObjects(d -> d.bucket(uploads)
                .delete(x -> x.objects(o -> o.key(key), o -> o.key("elsewhere/secret.txt")))));
        assertThat(outside.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
        assertThat(TestStack.get().aws().s3().getObjectAsBytes(g -> g.bucket(uploads).key(key)).asUtf8String()).isEqualTo("x");
        assertThatCode(() -> CallerIdentity.as("ErasureFunction", () -> AwsClients.s3().deleteObjects(d -> d.bucket(uploads)
                .delete(x -> x.objects(o -> o.key(key)))))).doesNotThrowAnyException();
        // A presigned URL is its signer's request: one signed by a function that may not read results is refused.
        String url = CallerIdentity.as("FalWebhookFunction", () -> AwsClients.s3Presigner().presignGetObject(g -> g
                .signatureDuration(java.time.Duration.ofMinutes(5)).getObjectRequest(o -> o.bucket(results).key("results/any.glb")))
                .url().toString());
        assertThat(url).contains("X-Amz-Security-Token");
        assertThat(httpStatus(url)).isEqualTo(403);
    }

    @Test
    void sqsQueuesAreEachTheirOwnPermission() {
        String jobsQueue = TestStack.setting(Settings.JOBS_QUEUE_URL);
        AwsServiceException send = denied("CompanyFunction", () -> AwsClients.sqs().sendMessage(m -> m.queueUrl(jobsQueue).messageBody("{}")));
        assertThat(send).as("the company function may send to the erasure queue only").isNotNull();
        assertThat(send.statusCode()).isEqualTo(403);
        assertThat(send.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
        assertThat(send.getMessage()).contains("sqs:SendMessage").contains(jobsQueue.substring(jobsQueue.lastIndexOf('/') + 1));
        AwsServiceException read = denied("CreditsFunction", () -> AwsClients.sqs().receiveMessage(r -> r.queueUrl(jobsQueue)));
        assertThat(read.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
        assertThatCode(() -> CallerIdentity.as("HealthFunction", () -> AwsClients.sqs().getQueueAttributes(g -> g.queueUrl(jobsQueue)
                .attributeNames(software.amazon.awssdk.services.sqs.model.QueueAttributeName.QUEUE_ARN)))).doesNotThrowAnyException();
    }

    /** Least privilege: no function may scan the table, describe it (but the health check), or use a wildcard action. */
    @Test
    void noPolicyGrantsScansWildcardsOrWholeCrudTemplates() throws Exception {
        String template = java.nio.file.Files.readString(TestStack.root().resolve("template.yaml"));
        assertThat(template).doesNotContain("DynamoDBCrudPolicy").doesNotContain("DynamoDBReadPolicy").doesNotContain("dynamodb:Scan")
                .doesNotContain("dynamodb:*").doesNotContain("s3:*").doesNotContain("sqs:*").doesNotContain("cognito-idp:*");
        Iam iam = Iam.fromTemplate(TestStack.get().template(), TestStack.get().provisioner().intrinsics(), "us-east-1",
                com.image2model.devstack.aws.LocalAws.ACCOUNT_ID, true);
        String table = "arn:aws:dynamodb:us-east-1:" + com.image2model.devstack.aws.LocalAws.ACCOUNT_ID + ":table/" + TABLE;
        for (var function : TestStack.get().template().functions()) {
            String id = function.logicalId();
            String token = CallerIdentity.tokenOf(id);
            assertThat(iam.denial(token, List.of(new Iam.Access("dynamodb:Scan", table)))).as(id + " may not scan").isPresent();
            if (!id.equals("HealthFunction")) {
                assertThat(iam.denial(token, List.of(new Iam.Access("dynamodb:DescribeTable", table))))
                        .as(id + " may not describe the table").isPresent();
            }
        }
    }

    private static int httpStatus(String url) {
        try {
            return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
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
