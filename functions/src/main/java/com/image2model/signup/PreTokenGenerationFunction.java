package com.image2model.signup;

import java.util.Map;
import java.util.function.Function;

import com.amazonaws.services.lambda.runtime.events.CognitoUserPoolPreTokenGenerationEventV2.AccessTokenGeneration;
import com.amazonaws.services.lambda.runtime.events.CognitoUserPoolPreTokenGenerationEventV2.ClaimsAndScopeOverrideDetails;
import com.amazonaws.services.lambda.runtime.events.CognitoUserPoolPreTokenGenerationEventV2.IdTokenGeneration;
import com.amazonaws.services.lambda.runtime.events.CognitoUserPoolPreTokenGenerationEventV2;
import com.image2model.company.EmailAddress;
import com.image2model.company.Memberships;

/**
 * Cognito PreTokenGeneration (V2): writes the member's company_id and role into both the ID and the
 * access token, from the membership record. A deactivated member (or a user of no company) gets
 * no token: the exception makes Cognito refuse the sign-in or refresh.
 */
public final class PreTokenGenerationFunction
        implements Function<CognitoUserPoolPreTokenGenerationEventV2, CognitoUserPoolPreTokenGenerationEventV2> {

    private final Memberships memberships;

    public PreTokenGenerationFunction(Memberships memberships) {
        this.memberships = memberships;
    }

    @Override
    public CognitoUserPoolPreTokenGenerationEventV2 apply(CognitoUserPoolPreTokenGenerationEventV2 event) {
        Map<String, String> attributes = event.getRequest().getUserAttributes();
        String userId = attributes.getOrDefault("sub", event.getUserName());
        Map<String, String> claims = memberships.tokenClaims(userId, EmailAddress.parse(attributes.get("email")));

        IdTokenGeneration idToken = new IdTokenGeneration();
        idToken.setClaimsToAddOrOverride(claims);
        AccessTokenGeneration accessToken = new AccessTokenGeneration();
        accessToken.setClaimsToAddOrOverride(claims);
        ClaimsAndScopeOverrideDetails details = new ClaimsAndScopeOverrideDetails();
        details.setIdTokenGeneration(idToken);
        details.setAccessTokenGeneration(accessToken);
        CognitoUserPoolPreTokenGenerationEventV2.Response response = new CognitoUserPoolPreTokenGenerationEventV2.Response();
        response.setClaimsAndScopeOverrideDetails(details);
        event.setResponse(response);
        return event;
    }
}
