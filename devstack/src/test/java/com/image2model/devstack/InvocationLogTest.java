package com.image2model.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.image2model.devstack.identity.Api;
import com.image2model.devstack.template.SamTemplate;

/**
 * A real invocation of the deployable jar logs through Powertools with its context: request id,
 * the cold-start flag, function name and version, the correlation id (the API request id) and the company.
 */
class InvocationLogTest {

    @Test
    void aLogLineOfAnInvocationCarriesItsContext(@TempDir Path dir) throws Exception {
        Path jar = TestStack.root().resolve("functions/target/image2model-functions.jar");
        ObjectNode event = (ObjectNode) Api.JSON.readTree(Files.readAllBytes(TestStack.root().resolve("events/jobs.json")));
        event.put("routeKey", "GET /jobs/{id}");
        event.putObject("pathParameters").put("id", "not-a-job");
        ((ObjectNode) event.get("requestContext")).put("requestId", "request-for-the-log-test");
        Path file = dir.resolve("event.json");
        Files.write(file, Api.JSON.writeValueAsBytes(event));
        String company = event.at("/requestContext/authorizer/lambda/company_id").asText();

        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", jar.toString(), "com.image2model.wiring.LocalInvoke", file.toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(TestStack.get().functions().environment());
        builder.environment().keySet().removeIf(k -> k.startsWith("aws."));
        builder.environment().put(SamTemplate.FUNCTION_DEFINITION_VARIABLE, "jobs");
        Process process = builder.start();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        JsonNode line = err.lines().filter(l -> l.startsWith("{") && l.contains("refused 404 not_found")).findFirst()
                .map(l -> {
                    try {
                        return Api.JSON.readTree(l);
                    } catch (java.io.IOException e) {
                        throw new AssertionError(l, e);
                    }
                }).orElseThrow(() -> new AssertionError("no log line of the refusal in:\n" + err));
        assertThat(line.path("function_name").asText()).isEqualTo("jobs");
        assertThat(line.path("function_request_id").asText()).isNotBlank();
        assertThat(line.path("function_version").asText()).isNotBlank();
        assertThat(line.path("cold_start").isBoolean()).as(line.toString()).isTrue();
        assertThat(line.path("correlation_id").asText()).isEqualTo("request-for-the-log-test");
        assertThat(line.path("company_id").asText()).isEqualTo(company);
    }
}
