package com.image2model.devstack.bench;

import java.net.URI;
import java.util.Map;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;

import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Baseline for functions that reach DynamoDB, S3 and SQS (health does): a plain Java Lambda making
 * the same five calls, its three clients built once at init.
 */
public final class ThreeServicesReadHandler implements RequestHandler<Map<String, Object>, String> {

    private static final Region REGION = Region.of(System.getenv().getOrDefault("AWS_REGION", "us-east-1"));
    private static final DynamoDbClient DYNAMODB = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create())
            .region(REGION).endpointOverride(URI.create(System.getenv("AWS_ENDPOINT_URL_DYNAMODB"))).build();
    private static final S3Client S3 = S3Client.builder().httpClient(UrlConnectionHttpClient.create()).region(REGION)
            .forcePathStyle(true).endpointOverride(URI.create(System.getenv("AWS_ENDPOINT_URL_S3"))).build();
    private static final SqsClient SQS = SqsClient.builder().httpClient(UrlConnectionHttpClient.create())
            .region(REGION).endpointOverride(URI.create(System.getenv("AWS_ENDPOINT_URL_SQS"))).build();

    @Override
    public String handleRequest(Map<String, Object> event, Context context) {
        DYNAMODB.describeTable(r -> r.tableName(System.getenv("TABLE_NAME")));
        S3.headBucket(r -> r.bucket(System.getenv("UPLOADS_BUCKET")));
        S3.headBucket(r -> r.bucket(System.getenv("RESULTS_BUCKET")));
        SQS.getQueueAttributes(r -> r.queueUrl(System.getenv("JOBS_QUEUE_URL")).attributeNamesWithStrings("QueueArn"));
        SQS.getQueueAttributes(r -> r.queueUrl(System.getenv("JOBS_DLQ_URL")).attributeNamesWithStrings("QueueArn"));
        return "{\"statusCode\":200,\"body\":\"ok\"}";
    }
}
