package com.image2model.devstack.dynamodb;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The conformance cases' little language: a case is a list of steps, each a DynamoDB API request
 * in its JSON wire form (written with single quotes) and the documented answer: a JSON object the
 * answer must contain (deeply; arrays element by element), or an error type and a part of its
 * message. {@code $} in table names becomes the case's own prefix, so cases never share a table.
 */
final class Conformance {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    record Step(String operation, String request, String expected, String errorType, String errorText) {
    }

    record Case(String name, String reference, List<Step> steps) {
    }

    private Conformance() {
    }

    static Step call(String operation, String request, String expected) {
        return new Step(operation, request, expected, null, null);
    }

    static Step fails(String operation, String request, String errorType, String errorText) {
        return new Step(operation, request, null, errorType, errorText);
    }

    static Case c(String name, String reference, Step... steps) {
        return new Case(name, reference, List.of(steps));
    }

    static JsonNode json(String singleQuoted) {
        try {
            return JSON.readTree(singleQuoted.replace('\'', '"'));
        } catch (IOException e) {
            throw new IllegalArgumentException("Bad case JSON: " + singleQuoted, e);
        }
    }

    /** Runs one case against the endpoint; answers the problems (empty when it conforms). */
    static List<String> run(URI endpoint, Case c, String prefix) throws Exception {
        List<String> problems = new ArrayList<>();
        int n = 0;
        for (Step step : c.steps()) {
            n++;
            String body = step.request().replace('\'', '"').replace("$", prefix);
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(endpoint)
                    .header("Content-Type", "application/x-amz-json-1.0")
                    .header("X-Amz-Target", "DynamoDB_20120810." + step.operation())
                    .header("Authorization", "AWS4-HMAC-SHA256 Credential=devstack/20261201/us-east-1/dynamodb/aws4_request, "
                            + "SignedHeaders=content-type;host;x-amz-target, Signature=0")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode answer = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
            String where = "step " + n + " (" + step.operation() + "): ";
            if (step.errorType() != null) {
                String type = answer.path("__type").asText("");
                String message = answer.path("message").asText(answer.path("Message").asText(""));
                if (response.statusCode() != 400 || !type.endsWith("#" + step.errorType()) && !type.equals(step.errorType())) {
                    problems.add(where + "expected " + step.errorType() + ", got " + response.statusCode() + " " + response.body());
                } else if (step.errorText() != null && !message.toLowerCase().contains(step.errorText().toLowerCase())) {
                    problems.add(where + "message '" + message + "' does not say '" + step.errorText() + "'");
                }
                if (step.expected() != null) {
                    contains(json(step.expected().replace("$", prefix)), answer, "", problems, where);
                }
            } else {
                if (response.statusCode() != 200) {
                    problems.add(where + "expected 200, got " + response.statusCode() + " " + response.body());
                } else if (step.expected() != null) {
                    contains(json(step.expected().replace("$", prefix)), answer, "", problems, where);
                }
            }
            if (!problems.isEmpty()) {
                break;
            }
        }
        return problems;
    }

    /** Whether {@code actual} has everything {@code expected} has: objects by field, arrays element by element and of equal length. */
    private static void contains(JsonNode expected, JsonNode actual, String path, List<String> problems, String where) {
        if (expected.isObject()) {
            if (actual == null || !actual.isObject()) {
                problems.add(where + path + ": expected an object " + expected + ", got " + actual);
                return;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (field.getValue().isTextual() && field.getValue().asText().equals("<absent>")) {
                    if (actual.has(field.getKey())) {
                        problems.add(where + path + "/" + field.getKey() + ": expected absent, got " + actual.get(field.getKey()));
                    }
                    continue;
                }
                contains(field.getValue(), actual.get(field.getKey()), path + "/" + field.getKey(), problems, where);
            }
        } else if (expected.isArray()) {
            if (actual == null || !actual.isArray() || actual.size() != expected.size()) {
                problems.add(where + path + ": expected " + expected + ", got " + actual);
                return;
            }
            for (int i = 0; i < expected.size(); i++) {
                contains(expected.get(i), actual.get(i), path + "[" + i + "]", problems, where);
            }
        } else if (actual == null || !expected.equals(actual)) {
            if (!(expected.isNumber() && actual != null && actual.isNumber() && expected.asDouble() == actual.asDouble())) {
                problems.add(where + path + ": expected " + expected + ", got " + actual);
            }
        }
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }
}
