package com.image2model.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** CSV cells: quoted where RFC 4180 wants it, and never a formula a spreadsheet would run. */
class CsvTest {

    @Test
    void formulasAreDefusedAndSpecialCharactersQuoted() {
        assertThat(Csv.cell("=HYPERLINK(\"http://evil.test\")")).isEqualTo("\"'=HYPERLINK(\"\"http://evil.test\"\")\"");
        assertThat(Csv.cell("+1")).isEqualTo("'+1");
        assertThat(Csv.cell("-2")).isEqualTo("'-2");
        assertThat(Csv.cell("@SUM(A1)")).isEqualTo("'@SUM(A1)");
        assertThat(Csv.cell(-2500L)).as("a number stays a number").isEqualTo("-2500");
        assertThat(Csv.cell("Acme, Inc.")).isEqualTo("\"Acme, Inc.\"");
        assertThat(Csv.cell("two\nlines")).isEqualTo("\"two\nlines\"");
        assertThat(Csv.cell(null)).isEmpty();
        assertThat(Csv.table(List.of("a", "b"), List.of(Arrays.asList(1, null)))).isEqualTo("a,b\r\n1,\r\n");
    }
}
