package io.arauto.verdict;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** A row must fit the ledger's 65,535-character input column as the JSON it is stored as, not as typed. */
class RowJudgeTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void storedLengthIsNeverShorterThanTheJsonTheLedgerStores() throws Exception {
        List<List<String>> rows = List.of(
                List.of("5511987654321", "Ana"),
                List.of("5511987654321", "\"".repeat(1000), "\\\\", "line\nbreak\ttab\u0001\u001f"),
                List.of("😀 Conceição", "", "日本語"));
        for (List<String> cells : rows) {
            assertThat(RowJudge.storedLength(cells)).as("%s", cells).isGreaterThanOrEqualTo(json.writeValueAsString(cells).length());
        }
    }

    @Test
    void aShortenedRowFitsTheLedgerAndKeepsWholeCharacters() throws Exception {
        List<String> cells = List.of("5511987654321", "\"".repeat(40_000), "😀".repeat(40_000), "\u0001".repeat(40_000));
        assertThat(RowJudge.storedLength(cells)).isGreaterThan(RowJudge.MAX_ROW);

        List<String> shortened = RowJudge.shortened(cells);
        assertThat(json.writeValueAsString(shortened).length()).isLessThanOrEqualTo(RowJudge.MAX_ROW);
        assertThat(shortened.get(0)).isEqualTo("5511987654321");
        assertThat(shortened.get(1)).isNotEmpty().matches("\"+");
        assertThat(shortened.get(2)).isNotEmpty().matches("(😀)+"); // no half of a surrogate pair left at the end
        assertThat(shortened.get(3)).isNotEmpty();
    }

    // ---- issue 12: cells that must never reach a customer, phones as other programs write them ----

    private final RowJudge judge = new RowJudge(new PhoneNormalizer(new io.arauto.config.ArautoProperties()));

    private static final List<String> HEADER = List.of("telefone", "nome", "pedido", "valor", "obs");

    private JudgedRow judged(io.arauto.read.Row row) throws Exception {
        var template = new io.arauto.template.TemplateDefinition("pedido_enviado", "pt_BR", "Olá {{1}}, pedido {{2}} de {{3}}.", false,
                List.of("1", "2", "3"), List.of("nome", "pedido", "valor"), null, List.of());
        var binding = new io.arauto.template.TemplateBinder().bind(template, HEADER);
        return judge.judge(new FileVerdicts("pedidos.csv", 1, binding, key -> null), List.of(row)).get(0);
    }

    private JudgedRow judged(String... cells) throws Exception {
        return judged(new io.arauto.read.Row(2, List.of(cells)));
    }

    /** Each of these went out in a message before: a NUL pasted from a database tool, Excel's error values, a byte no encoding gave. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "A\u0000na     | nome   | holds an invisible control character (code 0)",
            "An\u0007a     | nome   | holds an invisible control character (code 7)",
            "An\u007fa     | nome   | holds an invisible control character (code 127)",
            "#N/A          | nome   | holds the spreadsheet error #N/A instead of a value",
            "#REF!         | nome   | holds the spreadsheet error #REF!",
            "#VALUE!       | nome   | holds the spreadsheet error #VALUE!",
            "#DIV/0!       | nome   | holds the spreadsheet error #DIV/0!",
            "#NAME?        | nome   | holds the spreadsheet error #NAME?",
            "#N/D          | nome   | holds the spreadsheet error #N/D",
            "#VALOR!       | nome   | holds the spreadsheet error #VALOR!",
            "Err:502       | nome   | holds the spreadsheet error Err:502",
            "Jos\uFFFD     | nome   | has text that could not be read"})
    void aCellThatMustNeverReachACustomerMakesTheRowInvalidNamingTheColumn(String value, String column, String reason) throws Exception {
        JudgedRow row = judged("5511987650001", value, "1001", "R$ 10,00", "");
        assertThat(row.status()).isEqualTo(MessageStatus.INVALID);
        assertThat(row.reason()).startsWith("Column '" + column + "' " + reason);
    }

    @Test
    void errorValuesAndControlCharactersInAColumnTheTemplateDoesNotUseAreLeftAlone() throws Exception {
        assertThat(judged("5511987650001", "Ana", "1001", "R$ 10,00", "#N/A\u0000").status()).isEqualTo(MessageStatus.QUEUED);
        assertThat(judged("5511987650001", "Ana #N/A da Silva", "1001", "R$ 10,00", "").status()).isEqualTo(MessageStatus.QUEUED);
    }

    /** An XLSX formula never calculated (openpyxl) reads as "", but the verdict says why rather than "is empty". */
    @Test
    void aFormulaWithNoSavedResultIsTheRowsReasonNotEmptiness() throws Exception {
        String why = "holds a formula with no saved result; open the file in Excel (or LibreOffice) and save it again, so that its "
                + "results are saved too.";
        JudgedRow row = judged(new io.arauto.read.Row(2, List.of("5511987650001", "Ana", "1001", ""), java.util.Map.of(3, why)));
        assertThat(row.status()).isEqualTo(MessageStatus.INVALID);
        assertThat(row.reason()).isEqualTo("Column 'valor' " + why);
        // in a column the template does not read, it does not matter
        assertThat(judged(new io.arauto.read.Row(3, List.of("5511987650002", "Ana", "1001", "R$ 1", ""), java.util.Map.of(4, why)))
                .status()).isEqualTo(MessageStatus.QUEUED);
        JudgedRow phone = judged(new io.arauto.read.Row(4, List.of("", "Ana", "1001", "R$ 1"), java.util.Map.of(0, why)));
        assertThat(phone.reason()).isEqualTo("The phone column " + why);
    }

    @Test
    void pandasFloatPhonesAreSentAndTollFreeNumbersAreNot() throws Exception {
        JudgedRow pandas = judged("11987652077.0", "Ana", "1001", "R$ 10,00");
        assertThat(pandas.status()).isEqualTo(MessageStatus.QUEUED);
        assertThat(pandas.e164()).isEqualTo("+5511987652077");
        JudgedRow tollFree = judged("0800 123 4567", "Ana", "1001", "R$ 10,00");
        assertThat(tollFree.status()).isEqualTo(MessageStatus.INVALID);
        assertThat(tollFree.reason()).isEqualTo("The phone '0800 123 4567' is a toll-free number, which cannot hold WhatsApp.");
    }
}
