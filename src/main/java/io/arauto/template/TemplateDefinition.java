package io.arauto.template;

import java.util.List;

/**
 * A template as configured in templates.yml, already checked. {@code named} is true when the body
 * uses {{name}} placeholders; {@code placeholders} lists them in order of first appearance
 * ("1", "2", ... for positional templates). {@code parameters} is null when the columns follow the phone.
 */
public record TemplateDefinition(String name, String language, String body, boolean named,
                                 List<String> placeholders, List<String> parameters,
                                 Media header, List<Button> buttons) {

    public record Media(String type, String column) { }

    /**
     * The names of every value the template takes, as a spreadsheet's header would name their columns: its
     * parameters (or its placeholders, {@code 1}, {@code 2}... for positional ones), then the media header's and the
     * buttons' columns; each once, ignoring case. A header of the phone and these binds ({@link TemplateBinder}).
     */
    public List<String> variableNames() {
        java.util.Map<String, String> names = new java.util.LinkedHashMap<>();
        for (String name : parameters != null ? parameters : placeholders) {
            names.putIfAbsent(name.strip().toLowerCase(java.util.Locale.ROOT), name.strip());
        }
        if (header != null) {
            names.putIfAbsent(header.column().strip().toLowerCase(java.util.Locale.ROOT), header.column().strip());
        }
        for (Button button : buttons) {
            names.putIfAbsent(button.column().strip().toLowerCase(java.util.Locale.ROOT), button.column().strip());
        }
        return List.copyOf(names.values());
    }

    public record Button(int index, String column) { }
}
