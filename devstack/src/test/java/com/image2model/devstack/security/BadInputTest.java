package com.image2model.devstack.security;

import static com.image2model.devstack.identity.Api.call;
import static com.image2model.devstack.identity.Api.claims;
import static com.image2model.devstack.identity.Api.signUp;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.image2model.devstack.TestStack;
import com.image2model.devstack.identity.Api;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Every field of every body the API reads, replaced by values of the wrong type, numbers that
 * overflow a long or an int, fractions, huge strings and nulls: each answer is a 4xx with a
 * machine-readable code and a message naming the field, never a 5xx, and nothing is stored.
 */
class BadInputTest {

    private static String admin;
    private static String memberId;
    private static String company;

    /** Route, path, and a valid body whose fields are each replaced in turn (a dotted path into files[0]). */
    private record Case(String method, String path, String validBody, List<String> fields) {
    }

    /** Sent as written (1e400 stays 1e400 on the wire). */
    private static final List<String> HOSTILE = new ArrayList<>();

    @BeforeAll
    static void aCompany() throws Exception {
        String domain = Api.domain("bad-input");
        admin = signUp("admin@" + domain, null).accessToken();
        memberId = claims(Api.joinAs(admin, "member@" + domain).accessToken()).get("sub").asText();
        company = claims(admin).get("company_id").asText();
        for (String raw : List.of("{}", "[]", "[1]", "true", "null", "1.5", "-1", "0", "1e400", "-1e400", "9223372036854775808",
                "-9223372036854775809", "18446744073709551616", "2147483648", "1e18", "1000000000000000000", "\"\"",
                "\"" + "x".repeat(10_000) + "\"", "\"<img src=x onerror=alert(1)>\"", "\"\\u0000\"")) {
            HOSTILE.add(raw);
        }
    }

    private static List<Case> cases() {
        String job = "{\"quality\":\"low\",\"name\":\"n\",\"files\":[{\"name\":\"a.png\",\"contentType\":\"image/png\",\"size\":1000}]}";
        return List.of(
                new Case("PATCH", "/company", "{\"autoJoin\": true}", List.of("autoJoin")),
                new Case("POST", "/company/invitations", "{\"email\": \"someone@bad-input-" + company.substring(0, 8) + ".test\", \"role\": \"member\"}",
                        List.of("email", "role")),
                new Case("PATCH", "/company/members/" + memberId, "{\"role\": \"member\"}", List.of("role")),
                new Case("PATCH", "/company/members/" + memberId, "{\"active\": true}", List.of("active")),
                new Case("POST", "/credits/estimate", "{\"quality\": \"low\", \"files\": 3}", List.of("quality", "files")),
                new Case("POST", "/jobs", job, List.of("quality", "name", "files", "files.name", "files.contentType", "files.size")),
                new Case("POST", "/billing/checkout", "{\"item\": \"plan_starter\", \"seats\": 2}", List.of("item", "seats")));
    }

    @Test
    void everyFieldOfEveryBodyRefusesValuesOfTheWrongKindWithA4xx() throws Exception {
        Map<String, Object> before = snapshot();
        List<String> failures = new ArrayList<>();
        int sent = 0;
        for (Case c : cases()) {
            for (String field : c.fields()) {
                for (String raw : HOSTILE) {
                    JsonNode value = Api.JSON.readTree(raw);
                    if (acceptable(c, field, value)) {
                        // A valid value for this field (tested elsewhere); only refusals may leave the table as it was.
                        continue;
                    }
                    ObjectNode body = (ObjectNode) Api.JSON.readTree(c.validBody());
                    if (field.startsWith("files.")) {
                        ((ObjectNode) body.get("files").get(0)).put(field.substring(6), PLACEHOLDER);
                    } else {
                        body.put(field, PLACEHOLDER);
                    }
                    String sentBody = Api.JSON.writeValueAsString(body).replace("\"" + PLACEHOLDER + "\"", raw);
                    Api.Answer answer = call(c.method(), c.path(), admin, sentBody);
                    sent++;
                    String what = c.method() + " " + c.path() + " " + field + "=" + abbreviate(raw);
                    if (answer.status() >= 500) {
                        failures.add(what + " -> " + answer.status() + " " + abbreviate(answer.body().toString()));
                    } else if (answer.status() >= 400 && (answer.errorCode().isEmpty() || answer.body().at("/error/message").asText().isEmpty())) {
                        failures.add(what + " -> " + answer.status() + " without the error JSON: " + abbreviate(answer.body().toString()));
                    } else if (answer.status() < 400) {
                        failures.add(what + " -> accepted " + answer.status() + " " + abbreviate(answer.body().toString()));
                    }
                }
            }
        }
        System.out.println("BadInputTest: " + sent + " bodies with a field of the wrong kind");
        assertThat(failures).isEmpty();
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void overflowingNumbersNameTheirField() throws Exception {
        Api.Answer size = call("POST", "/jobs", admin,
                "{\"quality\":\"low\",\"files\":[{\"name\":\"a.png\",\"contentType\":\"image/png\",\"size\":9223372036854775808}]}");
        assertThat(size.status()).isEqualTo(400);
        assertThat(size.body().at("/error/message").asText()).contains("size");
        Api.Answer files = call("POST", "/credits/estimate", admin, "{\"quality\":\"low\",\"files\":1000000000000000000}");
        assertThat(files.status()).isEqualTo(400);
        assertThat(files.errorCode()).isEqualTo("invalid_files");
        Api.Answer seats = call("POST", "/billing/checkout", admin, "{\"item\":\"plan_starter\",\"seats\":2147483648}");
        assertThat(seats.status()).isEqualTo(400);
        assertThat(seats.errorCode()).isEqualTo("invalid_seats");
    }

    private static final String PLACEHOLDER = "__hostile__";

    /** The few of these values that are valid for a field. */
    private static boolean acceptable(Case c, String field, JsonNode value) {
        return switch (field) {
            // Optional, and cleaned: any text (or nothing) is a valid name; other kinds must be refused.
            case "name", "files.name" -> value.isTextual() || value.isNull();
            case "autoJoin", "active" -> value.isBoolean();
            // Optional: absent or null means the default (a member; the active members as seats).
            case "role", "seats" -> value.isNull();
            default -> false;
        };
    }

    private static String abbreviate(String text) {
        return text.length() > 120 ? text.substring(0, 120) + "..." : text;
    }

    private static Map<String, Object> snapshot() {
        String table = TestStack.get().provisioner().ref("Table");
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("company", TestStack.get().aws().dynamoDb().query(q -> q.tableName(table).consistentRead(true)
                .keyConditionExpression("PK = :pk").expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("C#" + company))))
                .items().stream().filter(i -> !i.get("SK").s().startsWith("RATE#")).toList().toString());
        return state;
    }
}
