package com.image2model.devstack.generate;

import java.time.Clock;
import java.util.Base64;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.image2model.credits.CreditLedger;
import com.image2model.devstack.Stack;
import com.image2model.devstack.identity.LoginFlow;

/**
 * The devstack's demo company and user, so that {@code generate} and the web app work out of the
 * box: signed up through the real login flow (so the triggers make the company and its trial),
 * then topped up to 10,000 credits by a grant made once.
 */
public final class DemoCompany {

    public static final String EMAIL = "demo@image2model.dev";
    public static final String PASSWORD = "Devstack-Passw0rd";
    public static final String NAME = "Demo Studio";
    public static final long CREDITS = 10_000;

    private DemoCompany() {
    }

    /** Makes sure the demo user exists and its company holds the demo credits; answers the company id. */
    public static String seed(Stack stack) throws Exception {
        var config = stack.cognito().config();
        LoginFlow flow = new LoginFlow(stack.cognito().url(), config.clientId(), config.callbackUrls().get(0));
        LoginFlow.Result result = flow.signIn(EMAIL, PASSWORD);
        if (result.error() != null) {
            result = flow.signUp(EMAIL, PASSWORD, NAME);
        }
        if (result.error() != null) {
            throw new IllegalStateException("The demo user could not sign up: " + result.error());
        }
        // The devstack's operator too (billing reconciliation), as one would add a person to the group in the console.
        stack.cognito().addToGroup(EMAIL, "operators");
        String companyId = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(result.accessToken().split("\\.")[1]))
                .path("company_id").asText();
        CreditLedger ledger = new CreditLedger(stack.aws().dynamoDb(), stack.provisioner().ref("Table"), Clock.systemUTC());
        long missing = CREDITS - ledger.balance(companyId).available();
        if (missing > 0) {
            ledger.grant(companyId, missing, "devstack demo credits", "devstack-demo-seed");
        }
        return companyId;
    }

    /** An access token of the demo user, through the login pages of a running stack (its web client). */
    public static String token(Stack stack) throws Exception {
        var config = stack.cognito().config();
        return token(stack.cognito().url(), config.clientId(), config.callbackUrls().get(0));
    }

    /** An access token of the demo user, through the login pages of the devstack at {@code cognitoUrl}. */
    public static String token(String cognitoUrl, String clientId, String redirectUri) throws Exception {
        LoginFlow.Result result = new LoginFlow(cognitoUrl, clientId, redirectUri).signIn(EMAIL, PASSWORD);
        if (result.error() != null) {
            throw new IllegalStateException("The demo user could not sign in: " + result.error());
        }
        return result.accessToken();
    }
}
