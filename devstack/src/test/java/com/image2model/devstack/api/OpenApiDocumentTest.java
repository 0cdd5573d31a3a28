package com.image2model.devstack.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.image2model.devstack.TestStack;
import com.image2model.devstack.template.SamTemplate;

/**
 * openapi.yaml describes the API template.yaml deploys, all of it and nothing else: every route in
 * both, each operation with its credentials, an error answer for each refusal it can make, and the
 * schemas the suites hold real answers to ({@link ApiContract}). Redocly's lint runs in the build.
 */
class OpenApiDocumentTest {

    private static final Set<String> PUBLIC = Set.of("GET /health", "GET /billing/plans", "POST /webhooks/stripe", "POST /webhooks/fal",
            "POST /invitations/view", "POST /invitations/accept", "POST /reviews/view", "POST /reviews/decide");

    @Test
    void everyTemplateRouteIsDocumentedAndEveryDocumentedRouteIsInTheTemplate() throws Exception {
        Set<String> template = new TreeSet<>();
        Set<String> open = new TreeSet<>();
        for (SamTemplate.FunctionDef function : SamTemplate.load(TestStack.root().resolve("template.yaml")).functions()) {
            for (SamTemplate.HttpRoute route : function.routes()) {
                template.add(route.routeKey());
                if (route.authorizerNone()) {
                    open.add(route.routeKey());
                }
            }
        }
        Set<String> documented = new TreeSet<>();
        Set<String> documentedOpen = new TreeSet<>();
        for (ApiContract.Operation operation : ApiContract.get().operations()) {
            String key = operation.method() + " " + operation.path();
            documented.add(key);
            JsonNode security = operation.node().path("security");
            if (security.isArray() && security.isEmpty()) {
                documentedOpen.add(key);
            }
        }
        assertThat(template).as("routes of template.yaml").hasSizeGreaterThan(50);
        assertThat(new TreeSet<>(difference(template, documented))).as("template routes missing from openapi.yaml").isEmpty();
        assertThat(new TreeSet<>(difference(documented, template))).as("openapi.yaml routes that template.yaml does not deploy").isEmpty();
        // The routes without a token are exactly the template's Authorizer: NONE routes, and the document says so.
        assertThat(documentedOpen).isEqualTo(open).isEqualTo(new TreeSet<>(PUBLIC));
    }

    @Test
    void everyOperationSaysWhoMayCallItAndHowItRefuses() {
        JsonNode document = ApiContract.get().document();
        assertThat(document.path("openapi").asText()).startsWith("3.1.");
        assertThat(document.at("/components/securitySchemes/bearer/scheme").asText()).isEqualTo("bearer");
        List<String> problems = new ArrayList<>();
        Set<String> operationIds = new TreeSet<>();
        for (ApiContract.Operation operation : ApiContract.get().operations()) {
            String key = operation.method() + " " + operation.path();
            JsonNode node = operation.node();
            if (!operationIds.add(node.path("operationId").asText())) {
                problems.add(key + ": operationId missing or repeated");
            }
            if (node.path("summary").asText().isBlank() || !node.path("description").asText().contains("**Who:**")) {
                problems.add(key + ": no summary or no 'Who:'");
            }
            JsonNode responses = node.path("responses");
            boolean success = false;
            for (var status : responses.properties()) {
                success |= status.getKey().startsWith("2");
            }
            if (!success) {
                problems.add(key + ": no success answer");
            }
            boolean open = node.path("security").isArray() && node.path("security").isEmpty();
            if (!open && (responses.path("401").isMissingNode() || responses.path("403").isMissingNode())) {
                problems.add(key + ": a route that takes credentials must document 401 and 403");
            }
            if (operation.path().contains("{") && responses.path("404").isMissingNode()) {
                problems.add(key + ": an id in the path must document 404 (another company's id answers it)");
            }
            if ((operation.method().equals("POST") || operation.method().equals("PATCH")) && responses.path("400").isMissingNode()) {
                problems.add(key + ": a body must document 400");
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void theContractCheckRefusesAnAnswerTheDocumentDoesNotDescribe() {
        ApiContract contract = ApiContract.get();
        // A real shape passes; a wrong type, a missing field and an undocumented status do not.
        contract.check("GET", "/health", 200, "application/json", "{\"status\": \"ok\", \"components\": {\"table\": \"ok\"}}");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> contract.check("GET", "/health", 200, "application/json",
                "{\"status\": 7, \"components\": {}}")).isInstanceOf(AssertionError.class).hasMessageContaining("GET /health");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> contract.check("GET", "/credits", 401, "application/json",
                "{\"error\": {\"code\": \"token_invalid\"}}")).isInstanceOf(AssertionError.class).hasMessageContaining("message");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> contract.check("GET", "/credits", 418, "application/json", "{}"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("does not list");
        // A path that is no route is not the document's business (the front's own 404).
        contract.check("GET", "/no/such/route", 404, "application/json", "{\"message\": \"Not Found\"}");
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.removeAll(b);
        return out;
    }
}
