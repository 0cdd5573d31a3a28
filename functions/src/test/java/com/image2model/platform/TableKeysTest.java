package com.image2model.platform;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every key starts with the company. */
class TableKeysTest {

    @Test
    void aCompanysPartition() {
        assertThat(TableKeys.company("c1")).isEqualTo("C#c1");
    }

    @Test
    void noCompanyNoKey() {
        assertThatThrownBy(() -> TableKeys.company(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TableKeys.company(" ")).isInstanceOf(IllegalArgumentException.class);
    }
}
