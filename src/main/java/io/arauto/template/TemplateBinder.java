package io.arauto.template;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.springframework.stereotype.Component;

/** Ties a template to a file's header: finds the column of every variable, or lists the missing ones. */
@Component
public class TemplateBinder {

    /** Thrown when the file's columns cannot feed the template; the message names what is missing. */
    public static class MissingColumnsException extends Exception {
        public MissingColumnsException(String message) {
            super(message);
        }
    }

    public TemplateBinding bind(TemplateDefinition template, List<String> header) throws MissingColumnsException {
        Map<String, Integer> byName = new HashMap<>();
        for (int i = 1; i < header.size(); i++) { // column 0 is always the phone
            byName.putIfAbsent(key(header.get(i)), i);
        }
        Set<String> missing = new LinkedHashSet<>();
        List<TemplateBinding.Column> body = new ArrayList<>();
        List<String> placeholders = template.placeholders();
        for (int i = 0; i < placeholders.size(); i++) {
            String placeholder = placeholders.get(i);
            if (template.parameters() == null && !template.named()) {
                int index = i + 1; // the columns after the phone, in order
                if (index < header.size()) {
                    body.add(new TemplateBinding.Column(placeholder, index, header.get(index).strip()));
                } else {
                    missing.add("a column for {{" + placeholder + "}}");
                }
                continue;
            }
            String column = template.parameters() == null ? placeholder : template.parameters().get(i);
            Integer index = byName.get(key(column));
            if (index == null) {
                missing.add(column);
            } else {
                body.add(new TemplateBinding.Column(placeholder, index, header.get(index).strip()));
            }
        }
        TemplateBinding.Column media = null;
        if (template.header() != null) {
            Integer index = byName.get(key(template.header().column()));
            if (index == null) {
                missing.add(template.header().column());
            } else {
                media = new TemplateBinding.Column("header", index, header.get(index).strip());
            }
        }
        List<TemplateBinding.Column> buttons = new ArrayList<>();
        for (TemplateDefinition.Button b : template.buttons()) {
            Integer index = byName.get(key(b.column()));
            if (index == null) {
                missing.add(b.column());
            } else {
                buttons.add(new TemplateBinding.Column("button " + b.index(), index, header.get(index).strip()));
            }
        }
        if (!missing.isEmpty()) {
            throw new MissingColumnsException("The file lacks column(s) " + quoted(missing) + " that template '"
                    + template.name() + "' needs; its columns are " + quoted(header) + ".");
        }
        return new TemplateBinding(template, body, media, buttons);
    }

    private static String key(String header) {
        return header == null ? "" : header.strip().toLowerCase(Locale.ROOT);
    }

    private static String quoted(java.util.Collection<String> names) {
        return names.stream().map(n -> n.startsWith("a column for") ? n : "'" + n + "'")
                .reduce((a, b) -> a + ", " + b).orElse("(none)");
    }
}
