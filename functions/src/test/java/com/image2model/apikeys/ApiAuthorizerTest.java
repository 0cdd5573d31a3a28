package com.image2model.apikeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.image2model.tenancy.AccessTokens;
import com.image2model.tenancy.TenantContext;
import com.image2model.tenancy.TenantContext.Role;

/** The authorizer over real RS256 signatures and real key hashes: what it lets through and what it names as refused. */
class ApiAuthorizerTest {

    private static final String ISSUER = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_pool";
    private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");
    private static KeyPair signing;
    private static KeyPair stranger;

    private final Map<String, ApiKeyRecord> stored = new HashMap<>();
    private final AtomicInteger jwksReads = new AtomicInteger();
    private final AccessTokens tokens = new AccessTokens(ISSUER, "client-1", () -> {
        jwksReads.incrementAndGet();
        return jwks("k1", (RSAPublicKey) signing.getPublic());
    }, Clock.fixed(NOW, ZoneOffset.UTC));
    /** Decides every request afresh (TTL zero): what each value means, without the cache. */
    private final ApiAuthorizer authorizer = new ApiAuthorizer(tokens, (c, k) -> Optional.ofNullable(stored.get(c + "/" + k)), "test",
            Clock.fixed(NOW, ZoneOffset.UTC), Duration.ZERO);

    /** A clock the test moves. */
    private static final class MovingClock extends Clock {
        private Instant now = NOW;

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private final MovingClock clock = new MovingClock();
    private final AtomicInteger lookups = new AtomicInteger();
    /** Keeps decisions 60 s, on the moving clock, counting its reads of keys. */
    private final ApiAuthorizer caching = new ApiAuthorizer(new AccessTokens(ISSUER, "client-1",
            () -> jwks("k1", (RSAPublicKey) signing.getPublic()), clock), (c, k) -> {
                lookups.incrementAndGet();
                return Optional.ofNullable(stored.get(c + "/" + k));
            }, "test", clock, Duration.ofSeconds(60));

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        signing = generator.generateKeyPair();
        stranger = generator.generateKeyPair();
    }

    private static String b64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String b64(BigInteger value) {
        byte[] bytes = value.toByteArray();
        int skip = bytes[0] == 0 ? 1 : 0;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOfRange(bytes, skip, bytes.length));
    }

    private static byte[] jwks(String kid, RSAPublicKey key) {
        return ("{\"keys\":[{\"kty\":\"RSA\",\"alg\":\"RS256\",\"use\":\"sig\",\"kid\":\"" + kid + "\",\"n\":\"" + b64(key.getModulus())
                + "\",\"e\":\"" + b64(key.getPublicExponent()) + "\"}]}").getBytes(StandardCharsets.UTF_8);
    }

    private static String token(KeyPair pair, String kid, String claims) throws Exception {
        String signed = b64("{\"alg\":\"RS256\",\"kid\":\"" + kid + "\"}") + "." + b64(claims);
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(pair.getPrivate());
        signature.update(signed.getBytes(StandardCharsets.US_ASCII));
        return signed + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature.sign());
    }

    private static String claims(String extra) {
        return "{\"sub\":\"u1\",\"iss\":\"" + ISSUER + "\",\"client_id\":\"client-1\",\"token_use\":\"access\",\"email\":\"a@x.test\","
                + "\"company_id\":\"c1\",\"role\":\"admin\",\"exp\":" + (NOW.getEpochSecond() + 600) + ",\"cognito:groups\":[\"g1\",\"g2\"]" + extra + "}";
    }

    private ApiKey store(String role, Instant revokedAt, Instant expiresAt) {
        ApiKey key = ApiKey.fresh("test", "c1");
        stored.put("c1/" + key.keyId(), new ApiKeyRecord("c1", key.keyId(), "CI", key.prefix(), key.secretHash(), Role.parse(role), "u1",
                "a@x.test", NOW.minusSeconds(60), null, null, 0, revokedAt, expiresAt, null));
        return key;
    }

    @Test
    void aPoolTokenGivesItsClaimsAsAJwtAuthorizerDid() throws Exception {
        Map<String, String> context = authorizer.decide("Bearer " + token(signing, "k1", claims("")));
        assertThat(context).containsEntry("sub", "u1").containsEntry("company_id", "c1").containsEntry("role", "admin")
                .containsEntry("token_use", "access").containsEntry("cognito:groups", "[g1 g2]").doesNotContainKey(TenantContext.DENIED);
        assertThat(TenantContext.fromClaims(context).isApiKey()).isFalse();
        authorizer.decide("bearer " + token(signing, "k1", claims("")));
        assertThat(jwksReads).hasValue(1);
    }

    @Test
    void aTokenCannotClaimToBeAKeyOrCarryARefusal() throws Exception {
        Map<String, String> context = authorizer.decide("Bearer " + token(signing, "k1",
                claims(",\"api_key_id\":\"k9\",\"denied\":\"x\",\"deniedMessage\":\"y\"")));
        assertThat(context).doesNotContainKeys(TenantContext.KEY_CLAIM, TenantContext.DENIED, TenantContext.DENIED_MESSAGE);
    }

    @Test
    void forgedExpiredForeignAndEarlyTokensAreRefused() throws Exception {
        String expired = claims("").replace("\"exp\":" + (NOW.getEpochSecond() + 600), "\"exp\":" + NOW.getEpochSecond());
        for (String bad : new String[] {
            token(stranger, "k1", claims("")),
            token(signing, "k1", expired),
            token(signing, "k1", claims("").replace(ISSUER, ISSUER + "x")),
            token(signing, "k1", claims("").replace("client-1", "client-2")),
            token(signing, "k1", claims(",\"nbf\":" + (NOW.getEpochSecond() + 60))),
            token(signing, "k2", claims("")),
            b64("{\"alg\":\"none\",\"kid\":\"k1\"}") + "." + b64(claims("")) + ".",
            "not-a-token", "a.b.c", ""}) {
            assertThat(authorizer.decide("Bearer " + bad)).containsEntry(TenantContext.DENIED, "token_invalid");
        }
        assertThat(authorizer.decide(null)).containsEntry(TenantContext.DENIED, "unauthorized");
        assertThat(authorizer.decide("Basic dTpw")).containsEntry(TenantContext.DENIED, "unauthorized");
    }

    @Test
    void anUnknownKeyIdIsLookedUpAgainAtMostEveryThirtySeconds() throws Exception {
        authorizer.decide("Bearer " + token(signing, "k1", claims("")));
        authorizer.decide("Bearer " + token(signing, "rotated", claims("")));
        authorizer.decide("Bearer " + token(signing, "rotated", claims("")));
        assertThat(jwksReads).hasValue(1);
    }

    @Test
    void aJwksThatCannotBeReadFailsTheAuthorizerRatherThanLettingAnythingThrough() {
        AccessTokens broken = new AccessTokens(ISSUER, "client-1", () -> "<html>".getBytes(StandardCharsets.UTF_8),
                Clock.fixed(NOW, ZoneOffset.UTC));
        ApiAuthorizer failing = new ApiAuthorizer(broken, (c, k) -> Optional.empty(), "test", Clock.fixed(NOW, ZoneOffset.UTC),
                Duration.ofSeconds(60));
        assertThatThrownBy(() -> failing.decide("Bearer " + token(signing, "k1", claims(""))))
                .isInstanceOf(AccessTokens.KeysUnavailable.class);
    }

    @Test
    void aStoredKeyGivesItsMakersClaimsWithItsOwnRole() {
        ApiKey key = store("member", null, null);
        Map<String, String> context = authorizer.decide("Bearer " + key.text());
        assertThat(context).containsEntry("sub", "u1").containsEntry("company_id", "c1").containsEntry("role", "member")
                .containsEntry(TenantContext.KEY_CLAIM, key.keyId());
        TenantContext caller = TenantContext.fromClaims(context);
        assertThat(caller.isApiKey()).isTrue();
        assertThat(caller.role()).isEqualTo(Role.MEMBER);
    }

    @Test
    void revokedExpiredWrongStageWrongSecretAndOtherCompaniesKeysAreRefusedByName() {
        assertThat(authorizer.decide("Bearer " + store("admin", NOW.minusSeconds(1), null).text()))
                .containsEntry(TenantContext.DENIED, "api_key_revoked");
        assertThat(authorizer.decide("Bearer " + store("admin", null, NOW).text())).containsEntry(TenantContext.DENIED, "api_key_expired");
        assertThat(authorizer.decide("Bearer " + store("admin", null, NOW.plus(Duration.ofHours(1))).text()))
                .doesNotContainKey(TenantContext.DENIED);
        ApiKey key = store("admin", null, null);
        assertThat(authorizer.decide("Bearer " + key.text().replace("i2m_test_", "i2m_live_")))
                .containsEntry(TenantContext.DENIED, "api_key_wrong_stage");
        String otherSecret = new ApiKey("test", key.keyId(), "c1", ApiKey.fresh("test", "c1").secret()).text();
        assertThat(authorizer.decide("Bearer " + otherSecret)).containsEntry(TenantContext.DENIED, "api_key_invalid");
        // The same key id and secret named under another company: its record is not there.
        String moved = new ApiKey("test", key.keyId(), "c2", key.secret()).text();
        assertThat(authorizer.decide("Bearer " + moved)).containsEntry(TenantContext.DENIED, "api_key_invalid");
        assertThat(authorizer.decide("Bearer i2m_test_short")).containsEntry(TenantContext.DENIED, "api_key_invalid");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theLambdaFunctionReadsTheHeaderWhateverItsCaseAndAlwaysAuthorizesWithAContext() {
        ApiKey key = store("admin", null, null);
        var function = new ApiAuthorizerFunction(authorizer);
        Map<String, Object> answer = function.apply(Map.of("headers", Map.of("Authorization", "Bearer " + key.text())));
        assertThat(answer).containsEntry("isAuthorized", true);
        assertThat((Map<String, Object>) answer.get("context")).containsEntry(TenantContext.KEY_CLAIM, key.keyId());
        Map<String, Object> none = (Map<String, Object>) function.apply(Map.of("headers", Map.of("authorization", 42))).get("context");
        assertThat(none).containsEntry(TenantContext.DENIED, "unauthorized");
        assertThat((Map<String, Object>) function.apply(Map.of()).get("context")).containsEntry(TenantContext.DENIED, "unauthorized");
    }

    @Test
    void aKeysDecisionIsKeptForTheTtlAndARevokedKeysYesLapsesAtItsEnd() {
        ApiKey key = store("member", null, null);
        assertThat(caching.decide("Bearer " + key.text())).containsEntry("company_id", "c1");
        assertThat(caching.decide(null, key.text())).as("the same key as X-Api-Key: the same decision").containsEntry("company_id", "c1");
        assertThat(lookups).as("one read for both").hasValue(1);

        ApiKeyRecord live = stored.get("c1/" + key.keyId());
        stored.put("c1/" + key.keyId(), new ApiKeyRecord("c1", key.keyId(), "CI", key.prefix(), key.secretHash(), Role.MEMBER, "u1",
                "a@x.test", live.createdAt(), null, null, 0, NOW, null, null));
        clock.advance(Duration.ofSeconds(59));
        assertThat(caching.decide("Bearer " + key.text())).as("kept (the functions refuse it themselves)").containsEntry("company_id", "c1");
        clock.advance(Duration.ofSeconds(1));
        assertThat(caching.decide("Bearer " + key.text())).containsEntry(TenantContext.DENIED, "api_key_revoked");
        assertThat(lookups).hasValue(2);
    }

    @Test
    void aTokensYesIsNeverKeptPastItsExpiry() throws Exception {
        String shortLived = token(signing, "k1", claims("").replace("\"exp\":" + (NOW.getEpochSecond() + 600), "\"exp\":" + (NOW.getEpochSecond() + 20)));
        assertThat(caching.decide("Bearer " + shortLived)).containsEntry("company_id", "c1");
        clock.advance(Duration.ofSeconds(19));
        assertThat(caching.decide("Bearer " + shortLived)).containsEntry("company_id", "c1");
        clock.advance(Duration.ofSeconds(1));
        assertThat(caching.decide("Bearer " + shortLived)).containsEntry(TenantContext.DENIED, "token_invalid");
    }

    @Test
    void aSignedTokenWhoseExpiryOverflowsAnInstantIsDecidedNotKept() throws Exception {
        String far = token(signing, "k1", claims("").replace("\"exp\":" + (NOW.getEpochSecond() + 600), "\"exp\":" + Long.MAX_VALUE));
        assertThat(caching.decide("Bearer " + far)).containsEntry("company_id", "c1");
        assertThat(caching.cachedDecisions()).isZero();
    }

    @Test
    void xApiKeyTakesKeysOnlyAndNeverTogetherWithAuthorization() throws Exception {
        ApiKey key = store("admin", null, null);
        assertThat(authorizer.decide(null, key.text())).containsEntry("role", "admin").containsEntry(TenantContext.KEY_CLAIM, key.keyId());
        assertThat(authorizer.decide(null, "  " + key.text() + " ")).containsEntry("role", "admin");
        assertThat(authorizer.decide("Bearer " + key.text(), key.text())).containsEntry(TenantContext.DENIED, "credentials_ambiguous");
        assertThat(authorizer.decide("Bearer " + token(signing, "k1", claims("")), key.text()))
                .containsEntry(TenantContext.DENIED, "credentials_ambiguous");
        assertThat(authorizer.decide(null, token(signing, "k1", claims("")))).containsEntry(TenantContext.DENIED, "api_key_invalid");
        assertThat(authorizer.decide(null, "Bearer " + key.text())).containsEntry(TenantContext.DENIED, "api_key_invalid");
        assertThat(authorizer.decide("", "")).containsEntry(TenantContext.DENIED, "unauthorized");
    }

    @Test
    void manyDistinctValuesCannotGrowTheCacheWithoutEnd() {
        for (int i = 0; i <= ApiAuthorizer.MAX_CACHED + 50; i++) {
            caching.decide("Bearer not-a-token-" + i);
        }
        assertThat(caching.cachedDecisions()).isLessThanOrEqualTo(ApiAuthorizer.MAX_CACHED);
    }

    @Test
    void aTtlBeyondFiveMinutesOrBelowZeroIsRefused() {
        for (Duration ttl : new Duration[] {Duration.ofSeconds(301), Duration.ofSeconds(-1)}) {
            assertThatThrownBy(() -> new ApiAuthorizer(tokens, (c, k) -> Optional.empty(), "test", clock, ttl))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
