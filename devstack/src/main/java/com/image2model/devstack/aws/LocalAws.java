package com.image2model.devstack.aws;

import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.gaul.s3proxy.CrossOriginResourceSharing;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;


import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The AWS services of the devstack, in this JVM: the devstack's own DynamoDB engine
 * ({@link com.image2model.devstack.dynamodb.DynamoServer}), ElasticMQ (the SQS protocol) and
 * S3Proxy (the S3 protocol, SigV4 checked), the latter sending
 * S3-shaped ObjectCreated events to SQS as the bucket's notification configuration says.
 */
public final class LocalAws implements Endpoints, AutoCloseable {

    public static final String ACCOUNT_ID = "000000000000";
    public static final String REGION = "us-east-1";
    /** The emulators check signatures, so every client signs with these. */
    public static final String ACCESS_KEY = "devstack";
    public static final String SECRET_KEY = "devstack-secret";

    /** Ports; 0 picks a free one (tests), the defaults are what the functions' defaults expect. */
    public record Ports(int dynamoDb, int sqs, int s3) {
        public static final Ports DEFAULTS = new Ports(8000, 9324, 9000);
        public static final Ports ANY_FREE = new Ports(0, 0, 0);
    }

    private final com.image2model.devstack.dynamodb.DynamoServer dynamoDb;
    private final SQSRestServer sqs;
    private final S3Proxy s3;
    private final AwsFront sqsFront;
    private final AwsFront s3Front;
    private final S3Notifications notifications;
    private final ExecutorService notificationSender;
    private final URI dynamoDbEndpoint;
    private final URI sqsEndpoint;
    private final URI s3Endpoint;

    private final DynamoDbClient dynamoDbClient;
    private final SqsClient sqsClient;
    private final S3Client s3Client;

    private LocalAws(Ports ports, CrossOriginResourceSharing cors, java.nio.file.Path dataDir) throws Exception {
        // Kept in the data folder when there is one: the engine's journal, and S3Proxy's filesystem store.
        dynamoDb = com.image2model.devstack.dynamodb.DynamoServer.start(ports.dynamoDb(), java.time.Clock.systemUTC(),
                dataDir == null ? com.image2model.devstack.dynamodb.Journal.NONE
                        : com.image2model.devstack.dynamodb.Journal.file(dataDir.resolve("dynamodb").resolve("journal.jsonl")));
        dynamoDbEndpoint = dynamoDb.endpoint();

        // ElasticMQ and S3Proxy listen on inner ports; callers reach them through fronts that check IAM (AwsFront).
        int sqsPort = ports.sqs() == 0 ? FreePort.find() : ports.sqs();
        sqs = SQSRestServerBuilder.withInterface("localhost").withAWSRegion(REGION).withAWSAccountId(ACCOUNT_ID)
                .withDynamicPort().withServerAddress(new org.elasticmq.NodeAddress("http", "localhost", sqsPort, "")).start();
        sqsFront = AwsFront.start(sqsPort, sqs.waitUntilStarted().localAddress().getPort());
        sqsEndpoint = URI.create("http://localhost:" + sqsPort);
        sqsClient = SqsClient.builder().endpointOverride(sqsEndpoint).region(Region.of(REGION))
                .credentialsProvider(credentials()).httpClient(ApacheHttpClient.create()).build();

        notificationSender = Executors.newSingleThreadExecutor(com.image2model.devstack.Daemons.named("s3-notifications"));
        org.gaul.s3proxy.blobstore.BlobStore store;
        if (dataDir == null) {
            store = new TransientNio2BlobStore();
        } else {
            java.nio.file.Path objects = dataDir.resolve("s3");
            java.nio.file.Files.createDirectories(objects);
            store = new org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore(objects.toAbsolutePath().toString());
        }
        notifications = new S3Notifications(store, sqsClient, notificationSender);
        int s3Port = ports.s3() == 0 ? FreePort.find() : ports.s3();
        s3Endpoint = URI.create("http://localhost:" + s3Port);
        int s3InnerPort = FreePort.find();
        s3 = S3Proxy.builder()
                .blobStore(notifications)
                .endpoint(URI.create("http://127.0.0.1:" + s3InnerPort))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .corsRules(cors)
                // The functions sign with their Lambda session's token (X-Amz-Security-Token), which S3 accepts
                // and S3Proxy would otherwise refuse as an unknown header.
                .ignoreUnknownHeaders(true)
                .build();
        s3.start();
        while (!"STARTED".equals(s3.getState())) {
            Thread.sleep(10);
        }
        s3Front = AwsFront.start(s3Port, s3InnerPort);

        dynamoDbClient = DynamoDbClient.builder().endpointOverride(dynamoDbEndpoint).region(Region.of(REGION))
                .credentialsProvider(credentials()).httpClient(ApacheHttpClient.create()).build();
        s3Client = S3Client.builder().endpointOverride(s3Endpoint).region(Region.of(REGION)).forcePathStyle(true)
                .credentialsProvider(credentials()).httpClient(ApacheHttpClient.create()).build();
    }

    /** Starts the three servers; S3 answers CORS with the given rules (S3Proxy has one set for all buckets). */
    public static LocalAws start(Ports ports, CrossOriginResourceSharing cors) throws Exception {
        return new LocalAws(ports, cors, null);
    }

    /** With {@code dataDir}, tables and objects are kept there across restarts; null keeps everything in memory. */
    public static LocalAws start(Ports ports, CrossOriginResourceSharing cors, java.nio.file.Path dataDir) throws Exception {
        return new LocalAws(ports, cors, dataDir);
    }

    public static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    }

    /** What callers of S3 reach: the devstack's IAM checks their requests there. */
    public AwsFront s3Front() {
        return s3Front;
    }

    /** What callers of SQS reach: the devstack's IAM checks their requests there. */
    public AwsFront sqsFront() {
        return sqsFront;
    }

    /** The DynamoDB server itself (the devstack's IAM checks its requests). */
    public com.image2model.devstack.dynamodb.DynamoServer dynamoDbServer() {
        return dynamoDb;
    }

    @Override
    public URI dynamoDbEndpoint() {
        return dynamoDbEndpoint;
    }

    @Override
    public URI sqsEndpoint() {
        return sqsEndpoint;
    }

    @Override
    public URI s3Endpoint() {
        return s3Endpoint;
    }

    public DynamoDbClient dynamoDb() {
        return dynamoDbClient;
    }

    public SqsClient sqs() {
        return sqsClient;
    }

    public S3Client s3() {
        return s3Client;
    }

    public S3Notifications notifications() {
        return notifications;
    }

    @Override
    public void close() throws Exception {
        dynamoDbClient.close();
        s3Client.close();
        sqsClient.close();
        s3Front.close();
        sqsFront.close();
        s3.stop();
        notificationSender.shutdownNow();
        sqs.stopAndWait();
        dynamoDb.close();
    }
}
