package io.arauto.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * The ledger keeps each row's input cells as a JSON array. It writes that text itself (no Jackson generator per row),
 * so it must be the very text Jackson writes, and read back as the same cells.
 */
class CellsJsonTest {

    private final ObjectMapper jackson = new ObjectMapper();

    @Test
    void awkwardCellsAreWrittenAsJacksonWritesThemAndReadBackTheSame() throws Exception {
        List<List<String>> rows = List.of(
                List.of(),
                List.of(""),
                Arrays.asList("5511999990001", null, "Ana"),
                List.of("Ana \"Bia\" Souza", "C:\\pasta\\arquivo", "a/b", "</script>"),
                List.of("linha 1\nlinha 2", "tab\there", "cr\rlf", "\u0000\u0001\u001f\u007f", "\b\f"),
                List.of("João Ação", "😀 emoji", "\ud800 lone surrogate", "\u2028\u2029", "\uFFFE\uFFFF"),
                List.of("=1+1", "  spaces  ", "'0011"));
        for (List<String> cells : rows) {
            String text = MessageLedger.toJson(cells);
            assertThat(text).as("cells %s", cells).isEqualTo(jackson.writeValueAsString(cells));
            if (!cells.contains("\ud800 lone surrogate")) {
                assertThat(jackson.readValue(text, new TypeReference<List<String>>() { })).isEqualTo(cells);
            }
        }
    }

    @Test
    void anyCharactersAtAllAreWrittenAsJacksonWritesThem() throws Exception {
        Random random = new Random(13);
        for (int n = 0; n < 2_000; n++) {
            List<String> cells = new ArrayList<>();
            for (int c = random.nextInt(6); c > 0; c--) {
                StringBuilder cell = new StringBuilder();
                for (int k = random.nextInt(12); k > 0; k--) {
                    // mostly the first 256 characters (controls, quotes, accents), sometimes anything in the BMP
                    cell.append((char) (random.nextInt(4) == 0 ? random.nextInt(0x10000) : random.nextInt(0x100)));
                }
                cells.add(random.nextInt(20) == 0 ? null : cell.toString());
            }
            assertThat(MessageLedger.toJson(cells)).as("cells %s", cells).isEqualTo(jackson.writeValueAsString(cells));
        }
    }
}
