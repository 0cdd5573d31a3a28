package com.image2model.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.image2model.devstack.template.SamTemplate;

/** Every sample event in events/ replayed through the Lambda entry point of the function it belongs to. */
class EventsReplayTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * An HTTP function answers 200 with a JSON body (a webhook refuses its unsignable sample with 401); a Cognito trigger answers its event; a
     * scheduled function answers what it did (a JSON object that is not a Lambda error).
     */
    static void assertAnswered(JsonNode answer) throws Exception {
        if (!answer.has("statusCode") && !answer.has("triggerSource")) {
            assertThat(answer.isObject()).as(answer.toString()).isTrue();
            assertThat(answer.has("errorMessage") || answer.has("errorType")).as(answer.toString()).isFalse();
            assertThat(answer.size()).as(answer.toString()).isPositive();
        } else if (answer.has("statusCode")) {
            if (answer.get("statusCode").asInt() == 401 || answer.get("statusCode").asInt() == 400) {
                // A webhook's sample carries a signature that cannot verify (its timestamp is long past):
                // the answer is the refusal, with its code (FAL's 401, Stripe's 400).
                assertThat(JSON.readTree(answer.get("body").asText()).at("/error/code").asText()).isEqualTo("invalid_signature");
                return;
            }
            assertThat(answer.get("statusCode").asInt()).as(answer.toString()).isEqualTo(200);
            assertThat(JSON.readTree(answer.get("body").asText()).isObject()).isTrue();
        } else {
            assertThat(answer.has("triggerSource")).as(answer.toString()).isTrue();
            if (answer.get("triggerSource").asText().startsWith("TokenGeneration")) {
                assertThat(answer.at("/response/claimsAndScopeOverrideDetails/accessTokenGeneration/claimsToAddOrOverride/company_id")
                        .asText()).as(answer.toString()).isNotBlank();
            }
        }
    }

    @Test
    void everyFunctionHasASampleEvent() {
        for (SamTemplate.FunctionDef function : TestStack.get().template().functions()) {
            assertThat(TestStack.root().resolve("events/" + function.name() + ".json"))
                    .as("events/ file of " + function.logicalId()).exists();
        }
    }

    @TestFactory
    Stream<DynamicTest> eachEventGetsAnAnswerFromItsFunction() throws Exception {
        List<Path> events;
        try (Stream<Path> files = Files.list(TestStack.root().resolve("events"))) {
            events = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(events).isNotEmpty();
        return events.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            String definition = file.getFileName().toString().replace(".json", "");
            SamTemplate.FunctionDef function = TestStack.get().template().functions().stream()
                    .filter(f -> definition.equals(f.name())).findFirst()
                    .orElseThrow(() -> new AssertionError(file + " belongs to no function of template.yaml"));
            if (definition.equals("preTokenGeneration")) {
                // Tokens are made for members only: the confirmation event places this sample user first.
                TestStack.get().functions().invoke("PostConfirmationFunction",
                        Files.readAllBytes(TestStack.root().resolve("events/postConfirmation.json")));
            }

            JsonNode answer = JSON.readTree(TestStack.get().functions().invoke(function.logicalId(), Files.readAllBytes(file)));

            assertAnswered(answer);
        }));
    }
}
