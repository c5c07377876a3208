package io.arauto.support;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Derived names are cut to fit in bytes, at a character boundary, keeping the extension and what Arauto adds. */
class ShortNamesTest {

    @Test
    void aShortNameIsLeftAlone() {
        assertThat(ShortNames.withInfix("pedidos.csv", "7", 240)).isEqualTo("pedidos.7.csv");
        assertThat(ShortNames.withInfix("pedidos", "7", 240)).isEqualTo("pedidos.7");
        assertThat(ShortNames.shortened("pedidos.csv", 240)).isEqualTo("pedidos.csv");
    }

    @Test
    void aLongNameLosesTheEndOfItsBaseInWholeCharacters() {
        String name = "ç".repeat(127) + ".xlsx"; // 254 + 5 bytes
        String archived = ShortNames.withInfix(name, "123456", 240);
        assertThat(archived.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(240);
        assertThat(archived).endsWith(".123456.xlsx").startsWith("ççç");
        assertThat(archived.replace(".123456.xlsx", "")).matches("ç+"); // no half character at the cut
        assertThat(ShortNames.shortened(name, 240)).endsWith("ç.xlsx").hasSizeLessThan(name.length());
    }

    @Test
    void aLongTailAfterADotIsPartOfTheBaseNotAnExtension() {
        String name = "relatorio." + "x".repeat(250);
        assertThat(ShortNames.withInfix(name, "9", 240)).endsWith(".9").hasSize(240);
    }
}
