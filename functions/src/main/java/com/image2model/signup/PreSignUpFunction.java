package com.image2model.signup;

import java.util.Map;
import java.util.function.Function;

import com.amazonaws.services.lambda.runtime.events.CognitoUserPoolPreSignUpEvent;
import com.image2model.company.EmailAddress;
import com.image2model.company.Memberships;

/**
 * Cognito PreSignUp: refuses blocked domains and companies that admit by invitation only.
 * Accepted invitations (AdminCreateUser) always pass: the company invited the address, and its person accepted.
 */
public final class PreSignUpFunction implements Function<CognitoUserPoolPreSignUpEvent, CognitoUserPoolPreSignUpEvent> {

    static final String ADMIN_CREATE_USER = "PreSignUp_AdminCreateUser";

    private final Memberships memberships;

    public PreSignUpFunction(Memberships memberships) {
        this.memberships = memberships;
    }

    @Override
    public CognitoUserPoolPreSignUpEvent apply(CognitoUserPoolPreSignUpEvent event) {
        if (!ADMIN_CREATE_USER.equals(event.getTriggerSource())) {
            Map<String, String> attributes = event.getRequest().getUserAttributes();
            EmailAddress email;
            try {
                email = EmailAddress.parse(attributes == null ? null : attributes.get("email"));
            } catch (IllegalArgumentException e) {
                // Cognito shows the exception's message to the person signing up.
                throw new Memberships.SignUpRefused("Please sign up with a valid email address.");
            }
            memberships.checkSignUp(email);
        }
        if (event.getResponse() == null) {
            event.setResponse(new CognitoUserPoolPreSignUpEvent.Response());
        }
        return event;
    }
}
