package io.arauto.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every file Arauto will not take lands in error/ beside a note that says why in plain words,
 * and nothing is left behind in the inbox.
 */
class RejectedFilesTest extends ArautoTestBase {

    private static final byte[] GOOD = "telefone,nome,pedido,entrega\n5511987001234,Ana,1,hoje\n".getBytes(StandardCharsets.UTF_8);

    @Test
    void fileDirectlyInTheInboxHasNoTemplate() throws Exception {
        assertRejected(drop(null, "solto.csv", GOOD), "no template folder", "pedido_enviado");
    }

    @Test
    void unknownTemplateFolder() throws Exception {
        assertRejected(drop("nao_existe", "pedidos.csv", GOOD), "There is no template named 'nao_existe'");
    }

    @Test
    void misconfiguredTemplateIsExplainedOnTheFile() throws Exception {
        assertRejected(drop("quebrado", "pedidos.csv", GOOD), "misconfigured",
                "the body has 2 placeholder(s) but 'parameters' lists 1 column(s)");
    }

    @Test
    void missingColumnsAreNamed() throws Exception {
        byte[] csv = "telefone,nome\n5511987001235,Ana\n".getBytes(StandardCharsets.UTF_8);
        assertRejected(drop("pedido_enviado", "faltando.csv", csv), "'pedido', 'entrega'", "its columns are 'telefone', 'nome'");
    }

    @Test
    void unreadableWorkbook() throws Exception {
        assertRejected(drop("pedido_enviado", "corrompido.xlsx", "this is not a zip".getBytes(StandardCharsets.UTF_8)),
                "could not be opened as an Excel workbook", "the file is damaged or is not an .xlsx file");
    }

    @Test
    void wrongKindOfFile() throws Exception {
        assertRejected(drop("pedido_enviado", "antigo.xls", GOOD), ".csv or .xlsx");
    }

    @Test
    void emptyFile() throws Exception {
        assertRejected(drop("pedido_enviado", "vazio.csv", new byte[0]), "The file is empty");
    }

    @Test
    void headerWithoutRows() throws Exception {
        assertRejected(drop("pedido_enviado", "so-cabecalho.csv", "telefone,nome,pedido,entrega\n".getBytes(StandardCharsets.UTF_8)),
                "no rows below it");
    }

    @Test
    void identicalFileWithinTheWindowIsADuplicateButNewContentUnderTheSameNameIsANewCampaign() throws Exception {
        byte[] csv = "telefone,nome,pedido,entrega\n5511987001236,Ana,77,hoje\n".getBytes(StandardCharsets.UTF_8);
        Path first = drop("pedido_enviado", "repetido.csv", csv);
        awaitTaken(first);
        assertThat(archived("repetido")).hasSize(1);

        String campaign = archived("repetido").get(0).getFileName().toString().split("\\.")[1];
        assertRejected(drop("pedido_enviado", "repetido.csv", csv), "byte-for-byte identical", "campaign " + campaign);

        byte[] changed = "telefone,nome,pedido,entrega\n5511987001236,Ana,78,amanhã\n".getBytes(StandardCharsets.UTF_8);
        Path third = drop("pedido_enviado", "repetido.csv", changed);
        awaitTaken(third);
        assertThat(archived("repetido")).hasSize(2);
    }

    @Test
    void rejectedFileDoesNotBlockItsCorrectedCopy() throws Exception {
        byte[] broken = "telefone,nome\n5511987001237,Ana\n".getBytes(StandardCharsets.UTF_8);
        assertRejected(drop("pedido_enviado", "corrigido.csv", broken), "'pedido'");
        byte[] fixed = "telefone,nome,pedido,entrega\n5511987001237,Ana,5,hoje\n".getBytes(StandardCharsets.UTF_8);
        Path again = drop("pedido_enviado", "corrigido.csv", fixed);
        awaitTaken(again);
        assertThat(archived("corrigido")).hasSize(1);
        // the second rejection of a same-named file gets its own name instead of overwriting the first
        assertRejected(drop("pedido_enviado", "corrigido.csv", broken), "'pedido'");
        assertThat(filesUnder(DATA_DIR.resolve("error")).stream().filter(p -> p.getFileName().toString().startsWith("corrigido")
                && p.getFileName().toString().endsWith(".error.txt"))).hasSize(2);
    }

    @Test
    void partialUploadsAndHiddenFilesAreNeverPickedUp() throws Exception {
        Path part = drop("pedido_enviado", "subindo.csv.part", GOOD);
        Path filepart = drop("pedido_enviado", "winscp.csv.filepart", GOOD);
        Path tmp = inbox().resolve("pedido_enviado").resolve("gravando.csv.tmp");
        Files.write(tmp, GOOD);
        Path hidden = drop("pedido_enviado", ".oculto.csv", GOOD);
        // a real file dropped after them is taken, so the poller has looked at the folder since
        Path real = drop("pedido_enviado", "real.csv", "telefone,nome,pedido,entrega\n5511987001238,Ana,9,hoje\n".getBytes(StandardCharsets.UTF_8));
        awaitTaken(real); // the poller lists a folder whole, so it has seen the others too
        assertThat(List.of(part, filepart, tmp, hidden)).allMatch(Files::exists);
        Files.delete(part);
        Files.delete(filepart);
        Files.delete(tmp);
        Files.delete(hidden);
    }

    private static void assertRejected(Path file, String... explanation) throws IOException {
        awaitTaken(file);
        String name = file.getFileName().toString();
        Path errorDir = DATA_DIR.resolve("error");
        Path note = await().atMost(Duration.ofSeconds(10)).until(() -> newestNote(errorDir, name), p -> p != null);
        String text = Files.readString(note);
        // the note names the file as it was dropped, under the inbox
        assertThat(text).startsWith(inbox().relativize(file).toString().replace('\\', '/') + " was not taken.");
        for (String part : explanation) {
            assertThat(text).contains(part);
        }
        Path moved = note.resolveSibling(note.getFileName().toString().replaceFirst("\\.error\\.txt$", ""));
        assertThat(moved).exists();
        assertThat(filesUnder(inbox()).stream().filter(p -> p.getFileName().toString().equals(name))).isEmpty();
    }

    private static Path newestNote(Path errorDir, String name) throws IOException {
        String base = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
        return filesUnder(errorDir).stream()
                .filter(p -> p.getFileName().toString().startsWith(base) && p.getFileName().toString().endsWith(".error.txt"))
                .max((a, b) -> Long.compare(a.toFile().lastModified(), b.toFile().lastModified())).orElse(null);
    }

    private static List<Path> archived(String base) throws IOException {
        return filesUnder(DATA_DIR.resolve("archive")).stream().filter(p -> p.getFileName().toString().startsWith(base + ".")).toList();
    }
}
