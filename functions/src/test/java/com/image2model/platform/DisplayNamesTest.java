package com.image2model.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Names people give, as they are stored: no markup, no quotes of any kind, no folders. */
class DisplayNamesTest {

    @Test
    void everyQuoteCharacterIsCleanedTheSingleQuoteToo() {
        assertThat(DisplayNames.text("Ada's \"chair\" `v2` ‘final’")).isEqualTo("Ada_s _chair_ _v2_ _final_");
        assertThat(DisplayNames.fileName("C:\\photos\\o'brien.jpg")).isEqualTo("o_brien.jpg");
        assertThat(DisplayNames.text("<img src=x onerror=alert(1)>")).doesNotContain("<", ">", "=");
        assertThat(DisplayNames.text("Chair (2) & table - v1.5")).isEqualTo("Chair (2) & table - v1.5");
    }
}
