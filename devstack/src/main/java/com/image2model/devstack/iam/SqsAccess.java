package com.image2model.devstack.iam;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.image2model.devstack.aws.AwsFront;

/**
 * What one SQS request asks IAM for: {@code sqs:<operation>} on the queue's ARN (a batch operation
 * is its single one's action, as SQS authorizes it). The JSON protocol ({@code X-Amz-Target:
 * AmazonSQS.<operation>}, the SDK's) and the query protocol ({@code Action=...}) are both read.
 */
public final class SqsAccess {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SqsAccess() {
    }

    /** The SQS front's check: every request's body read (they are small), its access asked of IAM. */
    public static AwsFront.Check check(Iam iam, String region, String account) {
        return new AwsFront.Check() {
            @Override
            public boolean needsBody(String method, String path, String query, Map<String, String> headers) {
                return method.equals("POST");
            }

            @Override
            public java.util.Optional<AwsFront.Refusal> check(AwsFront.Request request) {
                return iam.denial(sessionToken(request), of(request, region, account)).map(SqsAccess::refusal);
            }
        };
    }

    public static String sessionToken(AwsFront.Request request) {
        return request.header("x-amz-security-token");
    }

    public static List<Iam.Access> of(AwsFront.Request request, String region, String account) {
        String target = request.header("x-amz-target");
        String operation;
        String queueUrl;
        String queueName = null;
        String body = request.body() == null ? "" : new String(request.body(), StandardCharsets.UTF_8);
        if (target != null && target.startsWith("AmazonSQS.")) {
            operation = target.substring("AmazonSQS.".length());
            JsonNode json;
            try {
                json = body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
            } catch (java.io.IOException e) {
                json = JSON.createObjectNode();
            }
            queueUrl = json.path("QueueUrl").asText(null);
            queueName = json.path("QueueName").asText(null);
        } else {
            Map<String, String> form = form(body.isBlank() ? request.query() : body);
            operation = form.getOrDefault("Action", "Unknown");
            queueUrl = form.getOrDefault("QueueUrl", request.path().length() > 1 ? request.path() : null);
            queueName = form.get("QueueName");
        }
        if (queueName == null && queueUrl != null) {
            queueName = queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
        }
        String action = "sqs:" + operation.replace("Batch", "");
        String resource = queueName == null ? "arn:aws:sqs:" + region + ":" + account + ":*"
                : "arn:aws:sqs:" + region + ":" + account + ":" + queueName;
        return List.of(new Iam.Access(action, resource));
    }

    /** SQS's own answer to a denied request (the JSON protocol's, with the query protocol's error code for the SDK). */
    public static AwsFront.Refusal refusal(String message) {
        String body = "{\"__type\":\"com.amazon.coral.service#AccessDeniedException\",\"message\":" + quote(message) + "}";
        return new AwsFront.Refusal(403, "Forbidden", "application/x-amz-json-1.0", Map.of("x-amzn-query-error", "AccessDenied;Sender"),
                body);
    }

    private static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> form(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : text.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
