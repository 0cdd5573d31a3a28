package com.image2model.devstack.bench;

import java.net.URI;
import java.util.Map;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;

import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Baseline: a plain Java Lambda that reads one DynamoDB item, client built once at init as it should be. */
public final class DynamoReadHandler implements RequestHandler<Map<String, Object>, String> {

    private static final DynamoDbClient DYNAMODB = DynamoDbClient.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .region(Region.of(System.getenv().getOrDefault("AWS_REGION", "us-east-1")))
            .endpointOverride(URI.create(System.getenv("AWS_ENDPOINT_URL_DYNAMODB")))
            .build();

    @Override
    public String handleRequest(Map<String, Object> event, Context context) {
        var item = DYNAMODB.getItem(r -> r.tableName(System.getenv("TABLE_NAME")).key(Map.of(
                "PK", AttributeValue.fromS("BENCH"), "SK", AttributeValue.fromS("BENCH"))));
        return "{\"statusCode\":200,\"body\":\"" + (item.hasItem() ? "found" : "absent") + "\"}";
    }
}
