package com.image2model.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SecretsTest {

    @Test
    void placeholdersSamplesAndEmptyValuesAreUnusable() {
        for (String value : new String[] {"", "   ", "sk_test_devstack", "changeme", "sk_live_", "sk_test_<your key>", "REPLACE_ME"}) {
            assertThatThrownBy(() -> Secrets.check("STRIPE_SECRET_KEY_ARN", value, Secrets.Kind.STRIPE_API_KEY))
                    .as("'" + value + "'").isInstanceOf(Secrets.Unusable.class).hasMessageContaining("STRIPE_SECRET_KEY_ARN")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(value.isBlank() ? "\u0000" : value));
        }
        for (String value : new String[] {"whsec_devstack", "whsec_", "whsec_short"}) {
            assertThatThrownBy(() -> Secrets.check("STRIPE_WEBHOOK_SECRET_ARN", value, Secrets.Kind.STRIPE_WEBHOOK_SECRET))
                    .isInstanceOf(Secrets.Unusable.class);
        }
        assertThatThrownBy(() -> Secrets.check("FAL_KEY_ARN", "devstack-fal-key", Secrets.Kind.FAL_KEY)).isInstanceOf(Secrets.Unusable.class);
    }

    @Test
    void realShapedSecretsAreUsable() {
        assertThat(Secrets.check("A", "sk_test_51Hxxxxxxxxxxxxxxxxxxxxxxxxxxxx", Secrets.Kind.STRIPE_API_KEY)).startsWith("sk_test_");
        assertThat(Secrets.check("A", "rk_live_51Hxxxxxxxxxxxxxxxxxxxxxxxxxxxx", Secrets.Kind.STRIPE_API_KEY)).startsWith("rk_live_");
        assertThat(Secrets.check("B", " whsec_1234567890abcdefghijklmnopqrstuv ", Secrets.Kind.STRIPE_WEBHOOK_SECRET)).startsWith("whsec_");
        assertThat(Secrets.check("C", "3f1c2a10-6b1e-4f7d-8a2b-3c4d5e6f7a81:0123456789abcdef0123456789abcdef", Secrets.Kind.FAL_KEY)).contains(":");
    }

    private static final String KEY = "sk_test_51Hxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
    private static final String ROTATED = "sk_test_51Hyyyyyyyyyyyyyyyyyyyyyyyyyyyy";
    private static final String ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:stripe-AbCdEf";

    @Test
    void aSecretIsNotReadUntilFirstUseAndAnEmptyOneIsReadAgainUntilItIsPut() {
        java.util.concurrent.atomic.AtomicReference<String> stored = new java.util.concurrent.atomic.AtomicReference<>("");
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        Secrets.Secret secret = Secrets.secret("STRIPE_SECRET_KEY_ARN", ARN, Secrets.Kind.STRIPE_API_KEY, arn -> {
            reads.incrementAndGet();
            assertThat(arn).isEqualTo(ARN);
            return stored.get();
        }, () -> 0L);
        assertThat(reads).hasValue(0);

        assertThatThrownBy(secret::get).isInstanceOf(Secrets.Unusable.class).hasMessageContaining("STRIPE_SECRET_KEY_ARN").hasMessageContaining("empty");
        assertThatThrownBy(secret::get).isInstanceOf(Secrets.Unusable.class);
        assertThat(reads).as("a failure is not remembered").hasValue(2);

        stored.set(KEY);
        assertThat(secret.get()).isEqualTo(KEY);
        assertThat(secret.get()).isEqualTo(KEY);
        assertThat(reads).as("a usable value is kept").hasValue(3);
    }

    @Test
    void aRotatedSecretArrivesAfterTheRefreshAndAnOutageKeepsTheLastGoodValue() {
        java.util.concurrent.atomic.AtomicReference<String> stored = new java.util.concurrent.atomic.AtomicReference<>(KEY);
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        Secrets.Secret secret = Secrets.secret("STRIPE_SECRET_KEY_ARN", ARN, Secrets.Kind.STRIPE_API_KEY, arn -> {
            if (down.get()) {
                throw software.amazon.awssdk.core.exception.SdkClientException.create("Unable to execute HTTP request");
            }
            return stored.get();
        }, now::get);
        assertThat(secret.get()).isEqualTo(KEY);

        stored.set(ROTATED);
        now.addAndGet(Secrets.REFRESH.toNanos() - 1);
        assertThat(secret.get()).as("within the refresh").isEqualTo(KEY);
        now.addAndGet(2);
        assertThat(secret.get()).as("after it").isEqualTo(ROTATED);

        down.set(true);
        now.addAndGet(Secrets.REFRESH.toNanos());
        assertThat(secret.get()).as("Secrets Manager not answering: the last good value").isEqualTo(ROTATED);
    }

    @Test
    void aSecretThatCannotBeReadAtAllIsUnusableNamingItsSettingNotItsValue() {
        Secrets.Secret secret = Secrets.secret("FAL_KEY_ARN", ARN, Secrets.Kind.FAL_KEY, arn -> {
            throw software.amazon.awssdk.core.exception.SdkClientException.create("Access denied\nline two");
        }, () -> 0L);
        assertThatThrownBy(secret::get).isInstanceOf(Secrets.Unusable.class).hasMessageContaining("FAL_KEY_ARN")
                .hasMessageContaining("Access denied").hasMessageNotContaining("line two");
    }
}
