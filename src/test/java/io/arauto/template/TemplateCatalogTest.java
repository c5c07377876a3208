package io.arauto.template;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.arauto.config.ArautoProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TemplateCatalogTest {

    @TempDir
    Path dir;

    private TemplateCatalog catalog(String yaml) throws IOException {
        Path file = dir.resolve("templates.yml");
        Files.writeString(file, yaml);
        ArautoProperties properties = new ArautoProperties();
        properties.setTemplatesFile(file);
        return new TemplateCatalog(properties);
    }

    @Test
    void positionalTemplateTakesTheNamedColumnsInOrderWhateverTheirPlaceInTheFile() throws Exception {
        TemplateCatalog catalog = catalog("""
                pedido:
                  language: pt_BR
                  body: "Olá {{1}}, pedido {{2}} chega {{3}}."
                  parameters: [nome, pedido, entrega]
                """);
        TemplateBinding binding = new TemplateBinder().bind(catalog.find("pedido").template(),
                List.of("fone", "Entrega", " PEDIDO ", "Nome"));
        List<String> cells = List.of("5511987654321", "amanhã", "1001", " Ana ");
        TemplateMessage message = binding.message("+5511987654321", cells);
        assertThat(message.body()).extracting(TemplateMessage.TextParameter::text).containsExactly("Ana", "1001", "amanhã");
        assertThat(message.body()).extracting(TemplateMessage.TextParameter::name).containsOnlyNulls();
        assertThat(binding.render(cells)).isEqualTo("Olá Ana, pedido 1001 chega amanhã.");
        assertThat(binding.problem(cells)).isNull();
    }

    @Test
    void omittedParametersAreTheColumnsAfterThePhone() throws Exception {
        TemplateCatalog catalog = catalog("""
                aviso:
                  language: en_US
                  body: "Hello {{1}}, code {{2}}."
                """);
        TemplateBinding binding = new TemplateBinder().bind(catalog.find("aviso").template(), List.of("phone", "who", "code", "extra"));
        assertThat(binding.render(List.of("1", "Bob", "X1", "ignored"))).isEqualTo("Hello Bob, code X1.");
        assertThatThrownBy(() -> new TemplateBinder().bind(catalog.find("aviso").template(), List.of("phone", "who")))
                .hasMessageContaining("a column for {{2}}");
    }

    @Test
    void namedTemplateSendsParameterNamesAndMediaAndButtons() throws Exception {
        TemplateCatalog catalog = catalog("""
                fatura:
                  language: pt_BR
                  body: "Olá {{nome}}, valor {{valor}}."
                  header: { type: IMAGE, column: imagem }
                  buttons: [ { type: url, index: 1, column: codigo } ]
                """);
        TemplateBinding binding = new TemplateBinder().bind(catalog.find("fatura").template(),
                List.of("phone", "valor", "nome", "imagem", "codigo"));
        TemplateMessage message = binding.message("+5511987654321",
                List.of("x", "R$ 10", "Ana", "https://cdn.example/a.png", "XYZ"));
        assertThat(message.body()).containsExactly(new TemplateMessage.TextParameter("nome", "Ana"),
                new TemplateMessage.TextParameter("valor", "R$ 10"));
        assertThat(message.header()).isEqualTo(new TemplateMessage.MediaHeader("image", "https://cdn.example/a.png"));
        assertThat(message.buttons()).containsExactly(new TemplateMessage.UrlButton(1, "XYZ"));
    }

    @Test
    void metaParameterRulesAreCheckedInOrder() throws Exception {
        TemplateCatalog catalog = catalog("""
                fatura:
                  language: pt_BR
                  body: "Olá {{1}}."
                  parameters: [nome]
                  header: { type: image, column: imagem }
                """);
        TemplateBinding binding = new TemplateBinder().bind(catalog.find("fatura").template(), List.of("phone", "nome", "imagem"));
        String ok = "https://cdn.example/a.png";
        assertThat(binding.problem(List.of("1", "", ok))).contains("'nome' is empty");
        assertThat(binding.problem(List.of("1", "a\nb", ok))).contains("line break");
        assertThat(binding.problem(List.of("1", "a\tb", ok))).contains("tab");
        assertThat(binding.problem(List.of("1", "a     b", ok))).contains("more than 4 spaces");
        assertThat(binding.problem(List.of("1", "a    b", ok))).isNull();
        assertThat(binding.problem(List.of("1", "x".repeat(1100), ok))).contains("1024");
        assertThat(binding.problem(List.of("1", "Ana", "http://cdn.example/a.png"))).contains("https://");
        assertThat(binding.problem(List.of("1", "Ana", ""))).contains("needs a URL");
    }

    @Test
    void misconfiguredTemplatesAreReportedWithTheirProblems() throws Exception {
        TemplateCatalog catalog = catalog("""
                contagem:
                  language: pt_BR
                  body: "{{1}} {{2}}"
                  parameters: [a]
                lacuna:
                  language: pt_BR
                  body: "{{1}} {{3}}"
                mista:
                  language: pt_BR
                  body: "{{1}} {{nome}}"
                sem_lingua:
                  body: "oi"
                midia:
                  language: pt_BR
                  body: "oi"
                  header: { type: audio, column: x }
                outbox:
                  language: pt_BR
                  body: "oi"
                """);
        assertThat(catalog.find("contagem").problem()).contains("2 placeholder(s) but 'parameters' lists 1");
        assertThat(catalog.find("lacuna").problem()).contains("without gaps");
        assertThat(catalog.find("mista").problem()).contains("mixes");
        assertThat(catalog.find("sem_lingua").problem()).contains("'language' is missing");
        assertThat(catalog.find("midia").problem()).contains("image, video or document");
        assertThat(catalog.find("outbox").problem()).contains("reserved");
        assertThat(catalog.find("nada").problem()).contains("no template named 'nada'");
        assertThat(catalog.names()).isEmpty();
    }

    @Test
    void theFileIsReadAgainWhenItChanges() throws Exception {
        TemplateCatalog catalog = catalog("""
                a:
                  language: pt_BR
                  body: "oi"
                """);
        assertThat(catalog.names()).containsExactly("a");
        Path file = dir.resolve("templates.yml");
        Files.writeString(file, """
                b:
                  language: pt_BR
                  body: "oi"
                """);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(catalog.names()).containsExactly("b");
    }
}
