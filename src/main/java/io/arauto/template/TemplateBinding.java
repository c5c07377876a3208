package io.arauto.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;


/**
 * A template tied to one file's columns: which cell feeds each placeholder, the media header
 * and each URL button. Checks a row's variables against Meta's parameter rules and builds the
 * message to send.
 */
public final class TemplateBinding {

    /** WhatsApp caps a template body at 1024 characters once its parameters are filled in. */
    static final int MAX_BODY = 1024;
    static final int MAX_BUTTON_TEXT = 2000;
    private static final String FIVE_SPACES = "     "; // what " {5,}" finds, without a regex matcher per cell
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_]+)\\s*}}");

    private final TemplateDefinition template;
    private final List<Column> body;
    private final Column header;
    private final List<Column> buttons;
    private final List<Object> segments; // the body split once into literal text and the columns between it

    /** A placeholder or slot fed by the cell at {@code index} of the column named {@code column}. */
    public record Column(String placeholder, int index, String column) { }

    TemplateBinding(TemplateDefinition template, List<Column> body, Column header, List<Column> buttons) {
        this.template = template;
        this.body = List.copyOf(body);
        this.header = header;
        this.buttons = List.copyOf(buttons);
        this.segments = split(template.body(), this.body);
    }

    private static List<Object> split(String text, List<Column> body) {
        List<Object> segments = new ArrayList<>();
        java.util.regex.Matcher m = PLACEHOLDER.matcher(text);
        int last = 0;
        while (m.find()) {
            segments.add(text.substring(last, m.start()));
            Column column = body.stream().filter(c -> c.placeholder.equals(m.group(1))).findFirst().orElse(null);
            segments.add(column == null ? m.group() : column);
            last = m.end();
        }
        segments.add(text.substring(last));
        return List.copyOf(segments);
    }

    public TemplateDefinition template() {
        return template;
    }

    /** Every column the template takes a value from: its placeholders', the media header's and the buttons'. */
    public List<Column> columns() {
        List<Column> all = new ArrayList<>(body);
        if (header != null) {
            all.add(header);
        }
        all.addAll(buttons);
        return all;
    }

    /** The first reason this row's variables cannot be sent, or null when they all can. */
    public String problem(List<String> cells) {
        for (Column c : body) {
            String problem = textProblem(c, value(cells, c));
            if (problem != null) {
                return problem;
            }
        }
        if (header != null) {
            String url = value(cells, header);
            if (url.isEmpty()) {
                return "Column '" + header.column + "' is empty but the template's " + template.header().type() + " header needs a URL.";
            }
            String unfit = CellValues.problem(url);
            if (unfit != null) {
                return "Column '" + header.column + "' " + unfit;
            }
            if (!url.toLowerCase(Locale.ROOT).startsWith("https://") || url.chars().anyMatch(Character::isWhitespace)) {
                return "Column '" + header.column + "' must be an https:// URL for the " + template.header().type() + " header.";
            }
        }
        for (Column c : buttons) {
            String value = value(cells, c);
            String problem = textProblem(c, value);
            if (problem != null) {
                return problem;
            }
            if (value.length() > MAX_BUTTON_TEXT) {
                return "Column '" + c.column + "' is " + value.length() + " characters long; a button allows " + MAX_BUTTON_TEXT + ".";
            }
        }
        int length = renderedLength(cells);
        if (length > MAX_BODY) {
            return "The message would be " + length + " characters long; WhatsApp allows " + MAX_BODY + ".";
        }
        return null;
    }

    private static String textProblem(Column c, String value) {
        if (value.isEmpty()) {
            return "Column '" + c.column + "' is empty but the template needs it.";
        }
        String unfit = CellValues.problem(value);
        if (unfit != null) {
            return "Column '" + c.column + "' " + unfit;
        }
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            return "Column '" + c.column + "' has a line break, which WhatsApp does not allow in a parameter.";
        }
        if (value.indexOf('\t') >= 0) {
            return "Column '" + c.column + "' has a tab, which WhatsApp does not allow in a parameter.";
        }
        if (value.contains(FIVE_SPACES)) {
            return "Column '" + c.column + "' has more than 4 spaces in a row, which WhatsApp does not allow in a parameter.";
        }
        return null;
    }

    /** The body with the row's variables filled in: what reports and the audit show. */
    public String render(List<String> cells) {
        StringBuilder text = new StringBuilder(template.body().length() + 64);
        for (Object s : segments) {
            text.append(s instanceof Column c ? value(cells, c) : (String) s);
        }
        return text.toString();
    }

    private int renderedLength(List<String> cells) {
        int length = 0;
        for (Object s : segments) {
            length += s instanceof Column c ? value(cells, c).length() : ((String) s).length();
        }
        return length;
    }

    public TemplateMessage message(String e164, List<String> cells) {
        List<TemplateMessage.TextParameter> params = new ArrayList<>(body.size());
        for (Column c : body) {
            params.add(new TemplateMessage.TextParameter(template.named() ? c.placeholder : null, value(cells, c)));
        }
        TemplateMessage.MediaHeader media = header == null ? null
                : new TemplateMessage.MediaHeader(template.header().type(), value(cells, header));
        List<TemplateMessage.UrlButton> urls = new ArrayList<>(buttons.size());
        for (int i = 0; i < buttons.size(); i++) {
            urls.add(new TemplateMessage.UrlButton(template.buttons().get(i).index(), value(cells, buttons.get(i))));
        }
        return new TemplateMessage(e164, template.name(), template.language(), media, params, urls);
    }

    private static String value(List<String> cells, Column c) {
        String v = c.index < cells.size() ? cells.get(c.index) : null;
        return v == null ? "" : v.strip();
    }
}
