package io.arauto.template;

import java.util.List;

/**
 * One template message ready for a provider: recipient in E.164 (with '+'), the template's name
 * and language, and its parameters in the order the template declares them.
 */
public record TemplateMessage(String to, String template, String language,
                              MediaHeader header, List<TextParameter> body, List<UrlButton> buttons) {

    /** An image, video or document header; {@code type} is one of image, video, document. */
    public record MediaHeader(String type, String link) { }

    /** A body parameter; {@code name} is set for templates with named parameters, null for {{1}}-style ones. */
    public record TextParameter(String name, String text) { }

    /** The dynamic part of a URL button at {@code index}. */
    public record UrlButton(int index, String text) { }
}
