package com.image2model.devstack.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.amazonaws.services.lambda.runtime.events.CognitoUserPoolPostConfirmationEvent;
import com.amazonaws.services.lambda.runtime.events.CognitoUserPoolPreSignUpEvent;
import com.amazonaws.services.lambda.runtime.events.CognitoUserPoolPreTokenGenerationEventV2;
import com.image2model.wiring.CompanyModule;
import com.image2model.company.Memberships;
import com.image2model.devstack.TestStack;
import com.image2model.signup.PostConfirmationFunction;
import com.image2model.signup.PreSignUpFunction;
import com.image2model.signup.PreTokenGenerationFunction;

/** The three Cognito triggers, fed the event classes of aws-lambda-java-events, against the devstack's DynamoDB. */
class TriggerFunctionsTest {

    static {
        TestStack.get();
    }

    private final Memberships memberships = CompanyModule.memberships();

    @Test
    void preSignUpLetsWorkMailThroughAndRefusesBlockedDomains() {
        CognitoUserPoolPreSignUpEvent ok = preSignUp("PreSignUp_SignUp", "new@" + Api.domain("fresh"));
        assertThat(new PreSignUpFunction(memberships).apply(ok)).isSameAs(ok);

        CognitoUserPoolPreSignUpEvent blocked = preSignUp("PreSignUp_SignUp", "x@mailinator.com");
        assertThatThrownBy(() -> new PreSignUpFunction(memberships).apply(blocked)).hasMessageContaining("not accepted");

        // An invitation (AdminCreateUser) is the admin's decision: it always passes.
        assertThat(new PreSignUpFunction(memberships).apply(preSignUp("PreSignUp_AdminCreateUser", "x@mailinator.com"))).isNotNull();
    }

    @Test
    void postConfirmationThenPreTokenGenerationGiveTheFounderAdminClaims() {
        String sub = UUID.randomUUID().toString();
        String email = "founder@" + Api.domain("trigger");
        CognitoUserPoolPostConfirmationEvent confirmed = CognitoUserPoolPostConfirmationEvent.builder()
                .withTriggerSource("PostConfirmation_ConfirmSignUp").withUserName(sub)
                .withRequest(CognitoUserPoolPostConfirmationEvent.Request.builder()
                        .withUserAttributes(Map.of("sub", sub, "email", email, "custom:company_name", "Trigger Works")).build())
                .build();
        new PostConfirmationFunction(memberships).apply(confirmed);
        new PostConfirmationFunction(memberships).apply(confirmed);

        CognitoUserPoolPreTokenGenerationEventV2 event = tokenEvent(sub, email);
        Map<String, String> access = new PreTokenGenerationFunction(memberships).apply(event).getResponse()
                .getClaimsAndScopeOverrideDetails().getAccessTokenGeneration().getClaimsToAddOrOverride();
        assertThat(access).containsEntry("role", "admin").containsKey("company_id");
        assertThat(event.getResponse().getClaimsAndScopeOverrideDetails().getIdTokenGeneration().getClaimsToAddOrOverride())
                .isEqualTo(access);
    }

    @Test
    void aUserOfNoCompanyGetsNoToken() {
        CognitoUserPoolPreTokenGenerationEventV2 stranger = tokenEvent(UUID.randomUUID().toString(), "nobody@" + Api.domain("none"));
        assertThatThrownBy(() -> new PreTokenGenerationFunction(memberships).apply(stranger))
                .hasMessageContaining("does not belong to any company");
    }

    private static CognitoUserPoolPreSignUpEvent preSignUp(String source, String email) {
        return CognitoUserPoolPreSignUpEvent.builder().withTriggerSource(source).withUserName(UUID.randomUUID().toString())
                .withRequest(CognitoUserPoolPreSignUpEvent.Request.builder().withUserAttributes(Map.of("email", email)).build())
                .build();
    }

    private static CognitoUserPoolPreTokenGenerationEventV2 tokenEvent(String sub, String email) {
        return CognitoUserPoolPreTokenGenerationEventV2.builder().withTriggerSource("TokenGeneration_HostedAuth").withUserName(sub)
                .withRequest(CognitoUserPoolPreTokenGenerationEventV2.Request.builder()
                        .withUserAttributes(Map.of("sub", sub, "email", email)).build())
                .build();
    }
}
