package com.image2model.devstack.aws;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

import com.image2model.devstack.TestStack;
import com.image2model.devstack.template.SamTemplate;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.s3.model.FilterRuleName;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The same contract against LocalStack, provisioned from template.yaml by the devstack's
 * provisioner. Needs Docker: without it the class is skipped and says so, unless the Maven profile
 * {@code localstack} asks for it ({@code -Plocalstack}), which makes a missing Docker a failure.
 */
class LocalStackAwsContractTest extends AwsContractTest {

    private static final String SKIPPED = "SKIPPED LocalStackAwsContractTest: no Docker engine here, so the AWS contract "
            + "does not run against LocalStack (it runs against the devstack in DevstackAwsContractTest)";

    private static LocalStackContainer localstack;
    private static Under under;

    @BeforeAll
    static void start() throws Exception {
        boolean docker = DockerClientFactory.instance().isDockerAvailable();
        if (!docker && Boolean.getBoolean("localstack.required")) {
            throw new IllegalStateException("-Plocalstack needs a Docker engine, and none answers here");
        }
        if (!docker) {
            System.out.println(SKIPPED);
            return;
        }
        localstack = new LocalStackContainer(DockerImageName.parse("localstack/localstack:4.4"));
        localstack.start();
        URI endpoint = localstack.getEndpoint();
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(localstack.getAccessKey(), localstack.getSecretKey()));
        Region region = Region.of(localstack.getRegion());
        DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(endpoint).region(region).credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create()).build();
        SqsClient sqs = SqsClient.builder().endpointOverride(endpoint).region(region).credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create()).build();
        S3Client s3 = S3Client.builder().endpointOverride(endpoint).region(region).credentialsProvider(credentials)
                .forcePathStyle(true).httpClient(UrlConnectionHttpClient.create()).build();
        S3Presigner presigner = S3Presigner.builder().endpointOverride(endpoint).region(region).credentialsProvider(credentials)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build()).build();

        SamTemplate template = SamTemplate.load(TestStack.root().resolve("template.yaml"));
        Map<String, String> parameters = template.parameters(Map.of());
        Endpoints endpoints = new Endpoints() {
            @Override
            public URI dynamoDbEndpoint() {
                return endpoint;
            }

            @Override
            public URI sqsEndpoint() {
                return endpoint;
            }

            @Override
            public URI s3Endpoint() {
                return endpoint;
            }
        };
        Provisioner provisioner = new Provisioner(template, parameters, endpoints, new Provisioner.Target(dynamo, sqs, s3,
                (bucket, rule) -> s3.putBucketNotificationConfiguration(r -> r.bucket(bucket).notificationConfiguration(c -> c
                        .queueConfigurations(q -> q.id(rule.id()).queueArn(rule.queueArn()).events(Event.fromValue(rule.event()))
                                .filter(f -> f.key(k -> k.filterRules(fr -> fr.name(FilterRuleName.PREFIX).value(rule.prefix())))))))));
        provisioner.provisionAll();
        Map<String, Object> redrive = Provisioner.map(SamTemplate.properties(template.resources().get("JobsQueue")).get("RedrivePolicy"));
        under = new Under(dynamo, sqs, s3, presigner, provisioner.ref("Table"),
                sqs.getQueueUrl(r -> r.queueName(provisioner.getAtt("JobsQueue", "QueueName"))).queueUrl(),
                sqs.getQueueUrl(r -> r.queueName(provisioner.getAtt("JobsDeadLetterQueue", "QueueName"))).queueUrl(),
                provisioner.ref("UploadsBucket"), Integer.parseInt(String.valueOf(redrive.get("maxReceiveCount"))));
    }

    @BeforeEach
    void needsLocalStack() {
        assumeTrue(under != null, SKIPPED);
    }

    @AfterAll
    static void stop() {
        if (localstack != null) {
            localstack.stop();
        }
    }

    @Override
    protected Under under() {
        return under;
    }
}
