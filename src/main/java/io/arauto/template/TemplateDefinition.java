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

    public record Button(int index, String column) { }
}
