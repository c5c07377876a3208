package io.arauto.send;

import io.arauto.support.PhoneMask;
import io.arauto.template.TemplateMessage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class CloudApiRequestsTest {

    private final ObjectMapper mapper = new ObjectMapper();
    private final CloudApiRequests requests = new CloudApiRequests(mapper);

    @Test
    void templateWithoutVariablesHasNoComponents() throws Exception {
        assertThat(requests.templateMessage(new TemplateMessage("+5511987654321", "hello_world", "en_US", null, List.of(), null)))
                .isEqualTo(mapper.readTree("""
                        {"messaging_product":"whatsapp","recipient_type":"individual","to":"5511987654321","type":"template",
                         "template":{"name":"hello_world","language":{"code":"en_US"}}}"""));
    }

    @Test
    void videoHeaderUsesTheVideoKey() throws Exception {
        var json = requests.templateMessage(new TemplateMessage("+5511987654321", "t", "pt_BR",
                new TemplateMessage.MediaHeader("VIDEO", "https://cdn.example.com/v.mp4"), null, null));

        assertThat(json.at("/template/components/0")).isEqualTo(mapper.readTree("""
                {"type":"header","parameters":[{"type":"video","video":{"link":"https://cdn.example.com/v.mp4"}}]}"""));
    }

    @Test
    void textInParametersIsEscapedByJackson() {
        var json = requests.templateMessage(new TemplateMessage("+5511987654321", "t", "pt_BR", null,
                List.of(new TemplateMessage.TextParameter(null, "Ana \"Bia\"\n{x}")), null));

        assertThat(json.at("/template/components/0/parameters/0/text").asText()).isEqualTo("Ana \"Bia\"\n{x}");
    }

    @Test
    void unknownHeaderTypeIsRefusedBeforeSending() {
        assertThatThrownBy(() -> requests.templateMessage(new TemplateMessage("+5511987654321", "t", "pt_BR",
                new TemplateMessage.MediaHeader("location", "x"), null, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("location");
    }

    @Test
    void phonesAreMaskedKeepingSixFirstAndFourLastCharacters() {
        assertThat(PhoneMask.mask("+5511987654321")).isEqualTo("+55119****4321");
        assertThat(PhoneMask.mask("+12025550123")).isEqualTo("+12025**0123");
        assertThat(PhoneMask.mask("+4930123")).isEqualTo("****0123");
    }

    @Test
    void theLedgersKeyOfTheMessageGoesAsBizOpaqueCallbackData() {
        var json = requests.templateMessage(new TemplateMessage("+5511987654321", "t", "pt_BR", null, List.of(), null), "30064771074");
        assertThat(json.path("biz_opaque_callback_data").asText()).isEqualTo("30064771074");
        assertThat(requests.templateMessage(new TemplateMessage("+5511987654321", "t", "pt_BR", null, List.of(), null)).has("biz_opaque_callback_data"))
                .isFalse();
    }
}
