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
}
