package com.image2model.billing;

import java.time.Clock;
import java.util.Optional;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;

/**
 * A Stripe webhook's signature, checked on the raw body: the timestamp within 300 s either way
 * (stripe-java refuses timestamps too old, not those in the future, so both are checked here
 * first), then stripe-java's HMAC check with the endpoint's signing secret.
 */
final class StripeSignatures {

    static final long TOLERANCE_SECONDS = 300;

    private final String secret;
    private final Clock clock;

    StripeSignatures(String secret, Clock clock) {
        this.secret = secret;
        this.clock = clock;
    }

    /** Why the signature does not verify, or empty when it does. */
    Optional<String> refusal(String payload, String signatureHeader) {
        String skew = timestampSkew(signatureHeader, clock.instant().getEpochSecond());
        if (skew != null) {
            return Optional.of(skew);
        }
        try {
            Webhook.Signature.verifyHeader(payload, signatureHeader, secret, TOLERANCE_SECONDS);
            return Optional.empty();
        } catch (SignatureVerificationException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Why the header's timestamp is unacceptable (missing, not a number, or over the tolerance either way), or null. */
    static String timestampSkew(String signatureHeader, long now) {
        for (String part : signatureHeader.split(",")) {
            String[] pair = part.trim().split("=", 2);
            if (pair.length == 2 && pair[0].equals("t")) {
                long sentAt;
                try {
                    sentAt = Long.parseLong(pair[1].trim());
                } catch (NumberFormatException e) {
                    return "the timestamp is not a number";
                }
                long skew = now - sentAt;
                if (skew > TOLERANCE_SECONDS || skew < -TOLERANCE_SECONDS) {
                    return "the timestamp is " + skew + " s away from now (at most " + TOLERANCE_SECONDS + " s either way)";
                }
                return null;
            }
        }
        return "the header has no timestamp";
    }
}
