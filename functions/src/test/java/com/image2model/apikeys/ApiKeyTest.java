package com.image2model.apikeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ApiKeyTest {

    @Test
    void aFreshKeyReadsBackAsItselfAndShowsOnlyItsPrefix() {
        ApiKey key = ApiKey.fresh("test", "0e9b0c43-3d5c-4b8e-a4a6-7d1f3f1c2b55");
        assertThat(key.text()).startsWith("i2m_test_" + key.keyId().substring(0, 8));
        assertThat(ApiKey.parse(key.text())).contains(key);
        assertThat(ApiKey.parse("  " + key.text() + " ")).contains(key);
        assertThat(key.prefix()).isEqualTo("i2m_test_" + key.keyId().substring(0, 8));
        assertThat(key.toString()).doesNotContain(key.secret());
        assertThat(key.matches(key.secretHash())).isTrue();
        assertThat(ApiKey.fresh("test", "c1").matches(key.secretHash())).isFalse();
    }

    @Test
    void prodTakesLiveKeysAndEveryOtherStageTestKeys() {
        assertThat(ApiKey.stageOf("prod")).isEqualTo("live");
        assertThat(ApiKey.stageOf("dev")).isEqualTo("test");
        assertThat(ApiKey.stageOf("")).isEqualTo("test");
        assertThatThrownBy(() -> ApiKey.fresh("staging", "c1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anythingNotShapedAsAKeyIsNoKey() {
        String good = ApiKey.fresh("live", "c1").text();
        assertThat(ApiKey.parse(good)).isPresent();
        assertThat(ApiKey.parse(null)).isEmpty();
        assertThat(ApiKey.parse(good + "A")).isEmpty();
        assertThat(ApiKey.parse(good.substring(0, good.length() - 1))).isEmpty();
        assertThat(ApiKey.parse(good.replace("i2m_live_", "i2m_prod_"))).isEmpty();
        assertThat(ApiKey.parse(good.replace(".c1.", ".c1/../c2."))).isEmpty();
        assertThat(ApiKey.parse(good.replace(".c1.", "..")).isEmpty()).isTrue();
        assertThat(ApiKey.parse(good.replace(".c1.", "." + "x".repeat(65) + "."))).isEmpty();
        assertThat(ApiKey.looksLikeOne("eyJhbGciOi")).isFalse();
        assertThat(ApiKey.looksLikeOne("i2m_whatever")).isTrue();
    }
}
