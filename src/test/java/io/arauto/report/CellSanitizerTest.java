package io.arauto.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CellSanitizerTest {

    private final CellSanitizer sanitizer = new CellSanitizer();

    @ParameterizedTest
    @ValueSource(strings = {"=HYPERLINK(\"http://evil\",\"x\")", "@SUM(A1)", "+cmd", "-2+3", "\tcalc", "\r=1",
            "\0=1", "=", "+", "-", "+55 11 98765-4321", "-1e5", "+5511987654321 ", "=1+1,2", "+1.", "-.5", "+1.2.3", "+1,2,3",
            "-1..2", "+\u0661\u0662", "+12a", "-+1", "+1.5e3"})
    void prefixesWhatCouldStartAFormula(String value) {
        assertEquals("'" + value, sanitizer.sanitize(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"+5511987654321", "-12", "-3.5", "+3,5", "12", "5511987654321", "Ana", "a=b",
            " =1+1", "'=already", "São Paulo", "1+1", "+0", "-0,0", "+1.25"})
    void leavesNumbersAndPlainTextAlone(String value) {
        assertEquals(value, sanitizer.sanitize(value));
    }

    @ParameterizedTest
    @CsvSource(value = {"NULL,''", "'',''"}, nullValues = "NULL")
    void emptyForNothing(String value, String expected) {
        assertEquals(expected, sanitizer.sanitize(value));
    }
}
