package com.image2model.devstack.identity;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/** RS256 JSON Web Tokens and JWKS, as Cognito issues and publishes them. */
public final class Jwt {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    /** A signing key with its key id. */
    public record SigningKey(String kid, KeyPair pair) {
        public static SigningKey generate() {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                return new SigningKey(UUID.randomUUID().toString(), generator.generateKeyPair());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        public Map<String, Object> jwk() {
            RSAPublicKey key = (RSAPublicKey) pair.getPublic();
            Map<String, Object> jwk = new LinkedHashMap<>();
            jwk.put("alg", "RS256");
            jwk.put("e", B64.encodeToString(unsigned(key.getPublicExponent())));
            jwk.put("kid", kid);
            jwk.put("kty", "RSA");
            jwk.put("n", B64.encodeToString(unsigned(key.getModulus())));
            jwk.put("use", "sig");
            return jwk;
        }
    }

    /** A token whose signature, issuer, audience or time is wrong. */
    public static final class Invalid extends Exception {
        public Invalid(String message) {
            super(message);
        }
    }

    private Jwt() {
    }

    public static String sign(SigningKey key, Map<String, Object> claims) {
        try {
            String header = B64.encodeToString(JSON.writeValueAsBytes(Map.of("kid", key.kid(), "alg", "RS256")));
            String payload = B64.encodeToString(JSON.writeValueAsBytes(claims));
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key.pair().getPrivate());
            signature.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
            return header + "." + payload + "." + B64.encodeToString(signature.sign());
        } catch (Exception e) {
            throw new IllegalStateException("Cannot sign a token", e);
        }
    }

    /** Verifies the signature against a JWKS and answers the claims; time, issuer and audience are the caller's to check. */
    public static Map<String, Object> verifiedClaims(String token, List<Map<String, Object>> jwks) throws Invalid {
        String[] parts = token == null ? new String[0] : token.split("\\.");
        if (parts.length != 3) {
            throw new Invalid("not a JWT");
        }
        try {
            Map<String, Object> header = JSON.readValue(B64D.decode(parts[0]), new TypeReference<>() { });
            if (!"RS256".equals(header.get("alg"))) {
                throw new Invalid("algorithm " + header.get("alg") + " is not RS256");
            }
            Map<String, Object> jwk = jwks.stream().filter(k -> k.get("kid").equals(header.get("kid"))).findFirst()
                    .orElseThrow(() -> new Invalid("unknown key id " + header.get("kid")));
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initVerify(publicKey(jwk));
            signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!signature.verify(B64D.decode(parts[2]))) {
                throw new Invalid("bad signature");
            }
            return JSON.readValue(B64D.decode(parts[1]), new TypeReference<>() { });
        } catch (Invalid e) {
            throw e;
        } catch (Exception e) {
            throw new Invalid("unreadable token: " + e.getMessage());
        }
    }

    /** The key id in a token's header, or null when it has none or is no JWT. */
    public static String keyId(String token) {
        try {
            String[] parts = token.split("\\.");
            Map<String, Object> header = JSON.readValue(B64D.decode(parts[0]), new TypeReference<>() { });
            Object kid = header.get("kid");
            return kid == null ? null : String.valueOf(kid);
        } catch (Exception notAJwt) {
            return null;
        }
    }

    private static PublicKey publicKey(Map<String, Object> jwk) throws GeneralSecurityException {
        BigInteger modulus = new BigInteger(1, B64D.decode(String.valueOf(jwk.get("n"))));
        BigInteger exponent = new BigInteger(1, B64D.decode(String.valueOf(jwk.get("e"))));
        return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(modulus, exponent));
    }

    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            byte[] trimmed = new byte[bytes.length - 1];
            System.arraycopy(bytes, 1, trimmed, 0, trimmed.length);
            return trimmed;
        }
        return bytes;
    }
}
