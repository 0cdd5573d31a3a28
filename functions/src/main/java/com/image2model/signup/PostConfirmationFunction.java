package com.image2model.signup;

import java.util.Map;
import java.util.function.Function;

import com.amazonaws.services.lambda.runtime.events.CognitoUserPoolPostConfirmationEvent;
import com.image2model.company.EmailAddress;
import com.image2model.company.Memberships;

/**
 * Cognito PostConfirmation: puts the new person in their company (creating it, with its trial
 * credits, for the first of a domain). Cognito may retry it: a repeat changes nothing.
 */
public final class PostConfirmationFunction
        implements Function<CognitoUserPoolPostConfirmationEvent, CognitoUserPoolPostConfirmationEvent> {

    static final String CONFIRM_SIGN_UP = "PostConfirmation_ConfirmSignUp";
    static final String COMPANY_NAME_ATTRIBUTE = "custom:company_name";

    private final Memberships memberships;

    public PostConfirmationFunction(Memberships memberships) {
        this.memberships = memberships;
    }

    @Override
    public CognitoUserPoolPostConfirmationEvent apply(CognitoUserPoolPostConfirmationEvent event) {
        // Also sent after a password reset (PostConfirmation_ConfirmForgotPassword): nothing to do then.
        if (CONFIRM_SIGN_UP.equals(event.getTriggerSource())) {
            Map<String, String> attributes = event.getRequest().getUserAttributes();
            String userId = attributes.getOrDefault("sub", event.getUserName());
            memberships.confirm(userId, EmailAddress.parse(attributes.get("email")), attributes.get(COMPANY_NAME_ATTRIBUTE));
        }
        return event;
    }
}
