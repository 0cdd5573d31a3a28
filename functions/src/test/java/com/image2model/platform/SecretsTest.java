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
}
