package io.arauto.verdict;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Brazil's ninth digit: a mobile number with and without it is one number; nothing else has a twin. */
class NinthDigitTest {

    @ParameterizedTest
    @CsvSource({
            "+5511987654321, +551187654321",
            "+5511967654321, +551167654321",
            "+5521998765432, +552198765432",
            "+5561991234567, +556191234567",
            "+5531988880106, +553188880106",
            "+5599979999999, +559979999999"})
    void aMobileNumberAndItsFormWithoutTheNinthDigitAreTwinsBothWays(String nine, String eight) {
        assertThat(NinthDigit.variants(nine)).containsExactly(nine, eight);
        assertThat(NinthDigit.variants(eight)).containsExactly(eight, nine);
        assertThat(NinthDigit.twin(PhoneNormalizer.toKey(nine))).isEqualTo(PhoneNormalizer.toKey(eight));
        assertThat(NinthDigit.twin(PhoneNormalizer.toKey(eight))).isEqualTo(PhoneNormalizer.toKey(nine));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "+551134567890",  // a landline in São Paulo (eight digits starting with 2 to 5)
            "+551157654321",
            "+552125551234",
            "+5511934567890", // a newer mobile: 9 then 3, never had an eight-digit form (that form is the landline above)
            "+5511923456789",
            "+5520987654321", // no area code 20: libphonenumber says it is no mobile, so no twin by digits alone
            "+552087654321",
            "+14155550123",   // not Brazilian
            "+351912345678",
            "+5511",
            "not a number",
            "+55119876543210"})
    void everythingElseIsOnlyItself(String number) {
        assertThat(NinthDigit.variants(number)).containsExactly(number);
    }

    @Test
    void aDigitsOnlyCandidateIsConfirmedByLibphonenumber() {
        // the digits alone pair +55 20 98765-4321 with +55 20 8765-4321, but there is no area code 20
        assertThat(NinthDigit.candidate(PhoneNormalizer.toKey("+5520987654321"))).isEqualTo(PhoneNormalizer.toKey("+552087654321"));
        assertThat(NinthDigit.twin(PhoneNormalizer.toKey("+5520987654321"))).isZero();
        assertThat(NinthDigit.variants(null)).isEmpty();
    }
}
