package com.image2model.platform;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every key starts with the company. */
class TableKeysTest {

    @Test
    void aCompanysPartitionAndBack() {
        assertThat(TableKeys.company("c1")).isEqualTo("C#c1");
        assertThat(TableKeys.companyOf("C#c1")).isEqualTo("c1");
        assertThat(TableKeys.isCompany("C#c1")).isTrue();
        assertThat(TableKeys.isCompany("DOMAIN#acme.test")).isFalse();
        assertThat(TableKeys.isCompany(null)).isFalse();
    }

    @Test
    void noCompanyNoKey() {
        assertThatThrownBy(() -> TableKeys.company(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TableKeys.company(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TableKeys.companyOf("EMAIL#a@b")).isInstanceOf(IllegalArgumentException.class);
    }
}
