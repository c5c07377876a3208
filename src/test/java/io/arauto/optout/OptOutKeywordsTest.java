package io.arauto.optout;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

import io.arauto.config.ArautoProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Replies as customers type them, against the default keywords (arauto.optout.keywords, arauto.optout.opt-in-keywords). */
class OptOutKeywordsTest {

    private final OptOutKeywords keywords = new OptOutKeywords(new ArautoProperties());

    @ParameterizedTest
    @ValueSource(strings = {"SAIR", "sair", "Sair.", " PARAR! ", "#optout 🙏", "#OPTOUT", "optout", "stop", "Stop!!!", "🛑 STOP 🛑",
            "cancelar", "CANCELAR 👍🏽", "Descadastrar", "dêscadastrár", "\"sair\"", "...parar...", "\tSAIR\n", "ｓａｉｒ", "¡Parar!"})
    void anOptOutKeywordAloneMatchesWhateverItsCaseAccentsPunctuationSpacesAndEmoji(String reply) {
        assertThat(keywords.isOptOutKeyword(reply)).as("'%s'", reply).isTrue();
        assertThat(keywords.isOptInKeyword(reply)).as("'%s'", reply).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"não quero sair agora", "sair agora", "quero parar", "STOPS", "sai", "s a i r", "opt out", "", "   ", "🙏",
            "Obrigado!", "pare", "#", "sair2"})
    void aReplyThatIsMoreOrLessThanAKeywordIsNot(String reply) {
        assertThat(keywords.isOptOutKeyword(reply)).as("'%s'", reply).isFalse();
    }

    @Test
    void nothingIsNoKeyword() {
        assertThat(keywords.isOptOutKeyword(null)).isFalse();
        assertThat(keywords.isOptInKeyword(null)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"VOLTAR", "voltar", "Voltar!", " START ", "start 😊"})
    void optInKeywordsMatchTheSameWay(String reply) {
        assertThat(keywords.isOptInKeyword(reply)).as("'%s'", reply).isTrue();
        assertThat(keywords.isOptOutKeyword(reply)).as("'%s'", reply).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Não quero mais | NÃO QUERO MAIS",
            "não   quero mais!| nao quero mais",
            "Nao quero mais  | não quero mais 😡"})
    void configuredKeywordsOfSeveralWordsMatchWithTheirAccentsAndSpacesFolded(String keyword, String reply) {
        ArautoProperties properties = new ArautoProperties();
        properties.getOptout().setKeywords(List.of(keyword));
        assertThat(new OptOutKeywords(properties).isOptOutKeyword(reply)).isTrue();
        assertThat(new OptOutKeywords(properties).isOptOutKeyword("sair")).as("the defaults are replaced").isFalse();
    }

    @Test
    void aWordThatIsBothAnOptOutAndAnOptInKeywordStopsArautoAtStart() {
        ArautoProperties properties = new ArautoProperties();
        properties.getOptout().setOptInKeywords(List.of("VOLTAR", "Sair"));
        assertThatThrownBy(() -> new OptOutKeywords(properties)).isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("arauto.optout.opt-in-keywords").hasMessageContaining("'SAIR' is an opt-out keyword too");
    }
}
