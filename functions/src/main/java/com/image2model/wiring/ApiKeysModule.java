package com.image2model.wiring;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import com.image2model.apikeys.ApiAuthorizer;
import com.image2model.apikeys.ApiAuthorizerFunction;
import com.image2model.apikeys.ApiKey;
import com.image2model.apikeys.ApiKeyStore;
import com.image2model.apikeys.ApiKeysApi;
import com.image2model.platform.AwsClients;
import com.image2model.platform.Settings;
import com.image2model.tenancy.AccessTokens;
import com.image2model.tenancy.Callers;

/** API keys: the company routes that make them, the API's authorizer that takes them, and the callers' re-check. */
public final class ApiKeysModule {

    /** What the HTTP API's authorizer reads. */
    public static final List<String> AUTHORIZER = List.of(Settings.TABLE_NAME, Settings.STAGE, Settings.COGNITO_ISSUER,
            Settings.COGNITO_JWKS_URL, Settings.USER_POOL_CLIENT_ID, Settings.AUTHORIZER_CACHE_SECONDS);
    /** What the key routes read (the company function). */
    public static final List<String> ROUTES = List.of(Settings.TABLE_NAME, Settings.STAGE);

    private ApiKeysModule() {
    }

    private static ApiKeyStore store() {
        return new ApiKeyStore(AwsClients.dynamoDb(), Settings.get(Settings.TABLE_NAME), Clock.systemUTC());
    }

    /** The kind of keys this deployment makes and takes. */
    static String keyStage() {
        return ApiKey.stageOf(Settings.get(Settings.STAGE));
    }

    /** The stored keys as {@link Callers} re-checks them on every request a key makes. */
    public static Callers.Keys keys() {
        ApiKeyStore store = store();
        Clock clock = Clock.systemUTC();
        return new Callers.Keys() {
            @Override
            public Optional<Callers.KeyStanding> of(String companyId, String keyId) {
                return store.find(companyId, keyId, true).map(r -> new Callers.KeyStanding(r.role(), r.createdBy(), r.refusalAt(clock.instant())));
            }

            @Override
            public void used(String companyId, String keyId) {
                store.used(companyId, keyId);
            }
        };
    }

    public static ApiKeysApi api() {
        return new ApiKeysApi(store(), keyStage(), Clock.systemUTC());
    }

    /** The HTTP API's authorizer; its issuer and JWKS must be absolute http(s) URLs (fail closed at init). */
    public static ApiAuthorizerFunction authorizer() {
        String issuer = url(Settings.COGNITO_ISSUER);
        String jwks = url(Settings.COGNITO_JWKS_URL);
        AccessTokens tokens = new AccessTokens(issuer, Settings.get(Settings.USER_POOL_CLIENT_ID), AccessTokens.https(jwks), Clock.systemUTC());
        ApiKeyStore store = store();
        return new ApiAuthorizerFunction(new ApiAuthorizer(tokens, (companyId, keyId) -> store.find(companyId, keyId, false),
                keyStage(), Clock.systemUTC(), cacheTtl()));
    }

    /** AUTHORIZER_CACHE_SECONDS, whole seconds within what the authorizer allows (fail closed at init). */
    private static Duration cacheTtl() {
        String value = Settings.get(Settings.AUTHORIZER_CACHE_SECONDS);
        long seconds;
        try {
            seconds = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (seconds < 0 || seconds > ApiAuthorizer.MAX_TTL.toSeconds()) {
            throw new IllegalStateException(Settings.AUTHORIZER_CACHE_SECONDS + " must be whole seconds from 0 to "
                    + ApiAuthorizer.MAX_TTL.toSeconds() + ", not '" + value + "'");
        }
        return Duration.ofSeconds(seconds);
    }

    private static String url(String setting) {
        String value = Settings.get(setting);
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(setting + " is not a URL: '" + value + "'", e);
        }
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalStateException(setting + " must be an absolute http(s) URL, not '" + value + "'");
        }
        return value;
    }
}
