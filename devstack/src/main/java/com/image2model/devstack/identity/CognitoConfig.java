package com.image2model.devstack.identity;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.image2model.devstack.template.Intrinsics;
import com.image2model.devstack.template.SamTemplate;

/** What the stand-in takes from template.yaml: the pool, its app client, triggers, and the API's JWT authorizer. */
public record CognitoConfig(String userPoolId, String clientId, List<String> callbackUrls, List<String> logoutUrls,
                            List<String> scopes, int minimumPasswordLength, boolean requireUppercase,
                            boolean requireLowercase, boolean requireNumbers, Map<String, String> triggers,
                            String issuer, List<String> audiences, int accessTokenMinutes, int idTokenMinutes, List<String> firstAuthFactors) {

    /** Whether the pool lets people sign in with a code emailed to them (SignInPolicy's EMAIL_OTP, choice-based managed login). */
    public boolean emailCodes() {
        return firstAuthFactors.contains("EMAIL_OTP");
    }

    public static CognitoConfig from(SamTemplate template, Intrinsics intrinsics) {
        String poolId = only(template.resourcesOfType("AWS::Cognito::UserPool"));
        String clientId = only(template.resourcesOfType("AWS::Cognito::UserPoolClient"));
        Map<String, Object> pool = map(intrinsics.evaluate(SamTemplate.properties(template.resources().get(poolId))));
        Map<String, Object> client = map(intrinsics.evaluate(SamTemplate.properties(template.resources().get(clientId))));
        Map<String, Object> password = map(map(pool.get("Policies")).get("PasswordPolicy"));

        // The triggers name function aliases (!Ref XFunction.Alias): the raw template says which function.
        Map<String, Object> rawLambdaConfig = map(SamTemplate.properties(template.resources().get(poolId)).get("LambdaConfig"));
        Map<String, String> triggers = new LinkedHashMap<>();
        rawLambdaConfig.forEach((trigger, target) -> {
            Object ref = trigger.equals("PreTokenGenerationConfig") ? map(target).get("LambdaArn") : target;
            Object name = map(ref).get("Ref");
            if (name == null && map(ref).get("Fn::GetAtt") instanceof List<?> getAtt) {
                name = getAtt.get(0);
            }
            if (name != null) {
                triggers.put(trigger.equals("PreTokenGenerationConfig") ? "PreTokenGeneration" : trigger,
                        String.valueOf(name).replaceAll("\\.(Alias|Version)$", ""));
            }
        });

        // The tokens' issuer and audience: a JWT authorizer's configuration, or what a Lambda authorizer's function is told.
        String issuer = null;
        List<String> audiences = List.of();
        SamTemplate.ApiAuthorizer apiAuthorizer = template.defaultApiAuthorizer();
        if (apiAuthorizer != null && apiAuthorizer.isLambda()) {
            Map<String, Object> variables = map(map(SamTemplate.properties(template.resources().get(apiAuthorizer.functionId()))
                    .get("Environment")).get("Variables"));
            issuer = intrinsics.evaluateString(variables.get("COGNITO_ISSUER"));
            audiences = List.of(intrinsics.evaluateString(variables.get("USER_POOL_CLIENT_ID")));
        } else if (apiAuthorizer != null) {
            Map<String, Object> jwt = map(intrinsics.evaluate(apiAuthorizer.jwtConfiguration()));
            issuer = String.valueOf(jwt.get("issuer"));
            audiences = strings(jwt.get("audience"));
        }
        Map<String, Object> validity = map(client.get("TokenValidityUnits"));
        return new CognitoConfig(intrinsics.evaluateString(Map.of("Ref", poolId)), intrinsics.evaluateString(Map.of("Ref", clientId)),
                strings(client.get("CallbackURLs")), strings(client.get("LogoutURLs")), strings(client.get("AllowedOAuthScopes")),
                Integer.parseInt(String.valueOf(password.getOrDefault("MinimumLength", 8))),
                Boolean.parseBoolean(String.valueOf(password.getOrDefault("RequireUppercase", true))),
                Boolean.parseBoolean(String.valueOf(password.getOrDefault("RequireLowercase", true))),
                Boolean.parseBoolean(String.valueOf(password.getOrDefault("RequireNumbers", true))),
                triggers, issuer, audiences,
                minutes(client.get("AccessTokenValidity"), validity.get("AccessToken")),
                minutes(client.get("IdTokenValidity"), validity.get("IdToken")),
                strings(map(map(pool.get("Policies")).get("SignInPolicy")).getOrDefault("AllowedFirstAuthFactors", List.of("PASSWORD"))));
    }

    private static int minutes(Object value, Object unit) {
        int amount = value == null ? 60 : Integer.parseInt(String.valueOf(value));
        return "hours".equals(unit) ? amount * 60 : "days".equals(unit) ? amount * 1440 : amount;
    }

    private static String only(Map<String, Map<String, Object>> resources) {
        if (resources.size() != 1) {
            throw new IllegalStateException("The devstack's Cognito stand-in needs exactly one, found " + resources.keySet());
        }
        return resources.keySet().iterator().next();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return value instanceof Map ? (Map<String, Object>) value : Map.of();
    }

    static List<String> strings(Object value) {
        return value instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
    }
}
