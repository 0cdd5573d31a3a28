package com.image2model.platform;

import java.net.URI;
import java.time.Duration;
import java.util.function.Supplier;

import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The AWS clients every function shares, each built once per JVM on first use and kept: built
 * during the Lambda init phase (and captured by SnapStart), never per invocation.
 *
 * <p>They use the SDK's URL-connection HTTP client: no Netty or Apache client in the jar, and
 * the fastest to start.
 */
public final class AwsClients {

    private static final Lazy<SdkHttpClient> HTTP = new Lazy<>(() -> UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(2))
            .socketTimeout(Duration.ofSeconds(30))
            .build());

    private static final Lazy<DynamoDbClient> DYNAMODB = new Lazy<>(() -> {
        var builder = DynamoDbClient.builder()
                .httpClient(HTTP.get())
                .region(region())
                .overrideConfiguration(overrides());
        Settings.endpointFor("DYNAMODB").ifPresent(url -> builder.endpointOverride(URI.create(url)));
        return builder.build();
    });

    private static final Lazy<S3Client> S3 = new Lazy<>(() -> {
        var builder = S3Client.builder()
                .httpClient(HTTP.get())
                .region(region())
                .forcePathStyle(pathStyle())
                .overrideConfiguration(overrides());
        Settings.endpointFor("S3").ifPresent(url -> builder.endpointOverride(URI.create(url)));
        return builder.build();
    });

    private static final Lazy<S3Presigner> S3_PRESIGNER = new Lazy<>(() -> {
        var builder = S3Presigner.builder()
                .region(region())
                .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder()
                        .pathStyleAccessEnabled(pathStyle())
                        .build());
        Settings.endpointFor("S3").ifPresent(url -> builder.endpointOverride(URI.create(url)));
        return builder.build();
    });

    private static final Lazy<CognitoIdentityProviderClient> COGNITO = new Lazy<>(() -> {
        var builder = CognitoIdentityProviderClient.builder()
                .httpClient(HTTP.get())
                .region(region())
                .overrideConfiguration(overrides());
        Settings.endpointFor("COGNITO_IDENTITY_PROVIDER").ifPresent(url -> builder.endpointOverride(URI.create(url)));
        return builder.build();
    });

    private static final Lazy<SqsClient> SQS = new Lazy<>(() -> {
        var builder = SqsClient.builder()
                .httpClient(HTTP.get())
                .region(region())
                .overrideConfiguration(overrides());
        Settings.endpointFor("SQS").ifPresent(url -> builder.endpointOverride(URI.create(url)));
        return builder.build();
    });

    private static final Lazy<SecretsManagerClient> SECRETS = new Lazy<>(() -> {
        var builder = SecretsManagerClient.builder()
                .httpClient(HTTP.get())
                .region(region())
                .overrideConfiguration(overrides());
        Settings.endpointFor("SECRETS_MANAGER").ifPresent(url -> builder.endpointOverride(URI.create(url)));
        return builder.build();
    });

    /** The clients a function can ask to have ready before its first invocation. */
    public enum Service {
        /** First: the secrets are read while Spring starts, so their client is built before anything else. */
        SECRETS_MANAGER, DYNAMODB, S3, S3_PRESIGNER, SQS, COGNITO
    }

    private AwsClients() {
    }

    /**
     * Builds the given clients on a background thread, so that the SDK's class loading and set-up
     * overlap Spring's start-up instead of following it on the first invocation. Lambda's init
     * phase (and SnapStart's snapshot) then holds them ready.
     */
    public static void warmUp(java.util.Set<Service> services) {
        if (services.isEmpty()) {
            return;
        }
        Thread thread = new Thread(() -> {
            for (Service service : services) {
                try {
                    // One cheap read per client (priming, as SnapStart recommends): the SDK's request
                    // path, signing and parsing are then loaded before the first real invocation. Each
                    // read is one its functions' policies allow (a function whose policy allows none of
                    // them does not list the service to warm: no AccessDenied at every start).
                    switch (service) {
                        // A read of an item that never exists: every function may read the table, few may describe it.
                        case DYNAMODB -> dynamoDb().getItem(r -> r.tableName(Settings.get(Settings.TABLE_NAME)).key(java.util.Map.of(
                                "PK", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("WARMUP"),
                                "SK", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("WARMUP"))));
                        case S3 -> s3().headBucket(r -> r.bucket(Settings.get(Settings.UPLOADS_BUCKET)));
                        case S3_PRESIGNER -> s3Presigner();
                        case SQS -> sqs().getQueueAttributes(r -> r.queueUrl(Settings.get(Settings.JOBS_QUEUE_URL))
                                .attributeNames(software.amazon.awssdk.services.sqs.model.QueueAttributeName.QUEUE_ARN));
                        case COGNITO -> cognito().describeUserPool(r -> r.userPoolId(Settings.get(Settings.USER_POOL_ID)));
                        case SECRETS_MANAGER -> secretsManager();
                    }
                } catch (RuntimeException e) {
                    // Priming is best effort: the first real call meets the same problem and reports it.
                }
            }
        }, "aws-clients-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    /** The shared HTTP client, for the few AWS calls made without a service client. */
    public static SdkHttpClient http() {
        return HTTP.get();
    }

    public static SecretsManagerClient secretsManager() {
        return SECRETS.get();
    }

    public static DynamoDbClient dynamoDb() {
        return DYNAMODB.get();
    }

    public static S3Client s3() {
        return S3.get();
    }

    public static S3Presigner s3Presigner() {
        return S3_PRESIGNER.get();
    }

    public static SqsClient sqs() {
        return SQS.get();
    }

    public static CognitoIdentityProviderClient cognito() {
        return COGNITO.get();
    }

    private static Region region() {
        return Region.of(Settings.get(Settings.AWS_REGION));
    }

    private static boolean pathStyle() {
        // A local S3 server has no per-bucket host names; on AWS virtual-hosted style is the norm.
        return Settings.find(Settings.S3_FORCE_PATH_STYLE).map(Boolean::parseBoolean)
                .orElse(Settings.endpointFor("S3").isPresent());
    }

    private static ClientOverrideConfiguration overrides() {
        return ClientOverrideConfiguration.builder()
                .apiCallAttemptTimeout(Duration.ofSeconds(10))
                .apiCallTimeout(Duration.ofSeconds(25))
                .build();
    }

    /** A value computed once, on first use, by whichever thread asks first. */
    static final class Lazy<T> implements Supplier<T> {
        private final Supplier<T> factory;
        private volatile T value;

        Lazy(Supplier<T> factory) {
            this.factory = factory;
        }

        @Override
        public T get() {
            T result = value;
            if (result == null) {
                synchronized (this) {
                    result = value;
                    if (result == null) {
                        result = factory.get();
                        value = result;
                    }
                }
            }
            return result;
        }
    }
}
