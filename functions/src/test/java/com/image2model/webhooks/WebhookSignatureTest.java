package com.image2model.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    private static final String BODY = "{\"id\":\"evt_1\",\"type\":\"job.completed\"}";

    @Test
    void theHeaderIsTheHmacOfTimeDotBodyAndVerifiesWithinTheTolerance() {
        String secret = WebhookSignature.newSecret();
        assertThat(secret).startsWith("whsec_").hasSizeGreaterThan(40);
        String header = WebhookSignature.header(List.of(secret), 1_700_000_000L, BODY);
        assertThat(header).isEqualTo("t=1700000000,v1=" + WebhookSignature.hmac(secret, "1700000000." + BODY));
        assertThat(WebhookSignature.verify(secret, header, BODY, 1_700_000_100L, 300)).isTrue();
    }

    @Test
    void aChangedBodyAnotherSecretAReplayOrAFutureTimeFail() {
        String secret = WebhookSignature.newSecret();
        String header = WebhookSignature.header(List.of(secret), 1_700_000_000L, BODY);
        assertThat(WebhookSignature.verify(secret, header, BODY.replace("job", "file"), 1_700_000_000L, 300)).isFalse();
        assertThat(WebhookSignature.verify(WebhookSignature.newSecret(), header, BODY, 1_700_000_000L, 300)).isFalse();
        assertThat(WebhookSignature.verify(secret, header, BODY, 1_700_000_301L, 300)).as("replayed later").isFalse();
        assertThat(WebhookSignature.verify(secret, header, BODY, 1_699_999_699L, 300)).as("dated in the future").isFalse();
        // The time is signed: moving it breaks the signature.
        assertThat(WebhookSignature.verify(secret, header.replace("t=1700000000", "t=1700000200"), BODY, 1_700_000_200L, 300)).isFalse();
        assertThat(WebhookSignature.verify(secret, "v1=abc", BODY, 1_700_000_000L, 300)).isFalse();
        assertThat(WebhookSignature.verify(secret, null, BODY, 1_700_000_000L, 300)).isFalse();
    }

    @Test
    void duringARotationBothSecretsSign() {
        String fresh = WebhookSignature.newSecret();
        String old = WebhookSignature.newSecret();
        String header = WebhookSignature.header(List.of(fresh, old), 1_700_000_000L, BODY);
        assertThat(header.split(",v1=")).hasSize(3);
        assertThat(WebhookSignature.verify(fresh, header, BODY, 1_700_000_000L, 300)).isTrue();
        assertThat(WebhookSignature.verify(old, header, BODY, 1_700_000_000L, 300)).isTrue();
    }

    @Test
    void eventIdsComeFromWhatTheyAreAbout() {
        assertThat(WebhookEvents.idOf("c1", "job.completed", "j1")).isEqualTo(WebhookEvents.idOf("c1", "job.completed", "j1"))
                .isNotEqualTo(WebhookEvents.idOf("c2", "job.completed", "j1")).isNotEqualTo(WebhookEvents.idOf("c1", "file.failed", "j1"))
                .matches("evt_[0-9a-f]{24}");
    }
}
