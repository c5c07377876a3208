package io.arauto.verdict;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.arauto.config.ArautoProperties;

import static org.assertj.core.api.Assertions.assertThat;

class PhoneNormalizerTest {

    private final PhoneNormalizer phones = new PhoneNormalizer(new ArautoProperties());

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "(11) 98765-4321     | +5511987654321",
            "11987654321         | +5511987654321",
            "5511987654321       | +5511987654321",
            "+55 11 98765-4321   | +5511987654321",
            "  +55 (21) 99876-5432 | +5521998765432",
            "11 3333-4444        | +551133334444",
            "+1 650-555-1234     | +16505551234",
            "+55 11 91234-5678   | +5511912345678"})
    void validNumbersBecomeE164(String raw, String e164) {
        assertThat(phones.normalize(raw).e164()).isEqualTo(e164);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "5.51199E+12   | scientific notation",
            "5,51199e+12   | scientific notation",
            "12345         | not a valid number for region BR",
            "abc           | not a phone number",
            "''            | The phone is empty."})
    void invalidNumbersSayWhy(String raw, String problem) {
        PhoneNormalizer.Result result = phones.normalize(raw);
        assertThat(result.valid()).isFalse();
        assertThat(result.problem()).contains(problem);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "+55 (11) 97777-6666 | +5511977776666",
            "011977776666        | +5511977776666"})
    void canonicalFormForMatchingOptOuts(String raw, String e164) {
        assertThat(phones.canonical(raw)).isEqualTo(e164);
    }

    @ParameterizedTest
    @CsvSource({"+5511987654321, 5511987654321"})
    void keyIsTheNumberWithoutThePlus(String e164, long key) {
        assertThat(PhoneNormalizer.toKey(e164)).isEqualTo(key);
    }
}
