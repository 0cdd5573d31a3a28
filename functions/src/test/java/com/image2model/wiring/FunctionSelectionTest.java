package com.image2model.wiring;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;
import org.springframework.context.support.GenericApplicationContext;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.image2model.platform.ApiResponses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The function a Lambda runs is fixed by its configuration: no header, query or body sent by a
 * caller can make it run another one (Spring Cloud Function's router reads such headers).
 */
class FunctionSelectionTest {

    /** The real application plus two functions that would tell which one ran. */
    public static class TwoFunctionsApplication extends FunctionsApplication {
        @Override
        public void initialize(GenericApplicationContext context) {
            super.initialize(context);
            register(context, new FunctionSpec("publicEcho", APIGatewayV2HTTPEvent.class, APIGatewayV2HTTPResponse.class, java.util.Set.of(), java.util.List.of(),
                    () -> (Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>) e -> ApiResponses.json(200, java.util.Map.of("ran", "publicEcho"))));
            register(context, new FunctionSpec("privileged", APIGatewayV2HTTPEvent.class, APIGatewayV2HTTPResponse.class, java.util.Set.of(), java.util.List.of(),
                    () -> (Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>) e -> ApiResponses.json(200, java.util.Map.of("ran", "privileged"))));
        }
    }

    @BeforeEach
    void useTestApplication() {
        System.setProperty("MAIN_CLASS", TwoFunctionsApplication.class.getName());
    }

    @AfterEach
    void restore() {
        System.clearProperty("MAIN_CLASS");
        System.clearProperty("spring.cloud.function.definition");
    }

    @Test
    void aDefinitionHeaderCannotSwitchTheFunction() throws Exception {
        FunctionInvoker invoker = new FunctionInvoker("publicEcho");

        String answer = invoke(invoker, """
                {"version":"2.0","routeKey":"GET /echo","rawPath":"/echo","rawQueryString":"spring.cloud.function.definition=privileged",
                 "headers":{"spring.cloud.function.definition":"privileged",
                            "spring.cloud.function.routing-expression":"'privileged'",
                            "spring_cloud_function_definition":"privileged"},
                 "queryStringParameters":{"spring.cloud.function.definition":"privileged"},
                 "requestContext":{"http":{"method":"GET","path":"/echo"},"requestId":"r1"},
                 "body":"{\\"spring.cloud.function.definition\\":\\"privileged\\"}","isBase64Encoded":false}
                """);

        assertThat(answer).contains("publicEcho").doesNotContain("\\\"ran\\\":\\\"privileged\\\"");
    }

    @Test
    void withoutADefinitionTheInvokerRefusesToStartRatherThanRoute() {
        assertThatThrownBy(() -> new FunctionInvoker((String) null)).isInstanceOf(RuntimeException.class);
    }

    @Test
    void anUnknownDefinitionRefusesToStartRatherThanRoute() {
        assertThatThrownBy(() -> new FunctionInvoker("noSuchFunction")).isInstanceOf(RuntimeException.class);
    }

    private static String invoke(FunctionInvoker invoker, String event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        invoker.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return out.toString(StandardCharsets.UTF_8);
    }
}
