package io.arauto.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PhoneMaskTest {

    /** A rejection's reason can quote a header that is really a row of data; the log line masks the phones in it. */
    @Test
    void everyPhoneLikeRunInFreeTextIsMasked() {
        String reason = "pedidos.csv reads as a single column ('5511987654321|Ana|+55 (21) 99876-5432'); its columns are '11 98765-4321'";
        assertThat(PhoneMask.maskAll(reason))
                .doesNotContain("5511987654321").doesNotContain("99876-5432").doesNotContain("98765-4321")
                .contains("551198***4321", "pedidos.csv reads as a single column");
    }

    @Test
    void datesRowNumbersAndCountsAreLeftAsTheyAre() {
        String text = "campaign 12 accepted at 2026-11-22T05:30:00.123456Z; could not be read at row 3002; 10000 columns";
        assertThat(PhoneMask.maskAll(text)).isEqualTo(text);
    }
}
