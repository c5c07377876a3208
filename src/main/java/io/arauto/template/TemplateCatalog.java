package io.arauto.template;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.slf4j.Logger;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.arauto.config.ArautoProperties;

/**
 * The templates of {@code arauto.templates-file}. Loaded at start and again whenever the file
 * changes; a broken template is reported in the log at load and on every file that asks for it.
 */
@Component
public class TemplateCatalog {

    private static final Logger log = LoggerFactory.getLogger(TemplateCatalog.class);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_]+)\\s*}}");
    private static final Pattern META_NAME = Pattern.compile("[a-z0-9_]+");
    private static final Set<String> RESERVED = Set.of("archive", "error", "outbox");
    private static final Set<String> MEDIA = Set.of("image", "video", "document");

    private final Path file;
    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    private volatile Snapshot snapshot = new Snapshot(null, Map.of(), Map.of(), null);

    /**
     * Loads the file, refusing to start, naming {@code arauto.templates-file}, when it is missing, unreadable or not
     * templates at all: no file could be taken. A template of its own that is misconfigured only refuses its own files.
     */
    public TemplateCatalog(ArautoProperties properties) {
        this.file = properties.getTemplatesFile();
        if (file == null || !Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new InvalidConfigurationPropertyValueException("arauto.templates-file", file,
                    "there is no readable file at " + (file == null ? "(none)" : file.toAbsolutePath().normalize())
                    + "; point it at the templates file (see config/templates.yml)");
        }
        Snapshot loaded = reloadIfChanged();
        if (loaded.fileProblem != null) {
            throw new InvalidConfigurationPropertyValueException("arauto.templates-file", file, loaded.fileProblem);
        }
    }

    /** What a folder name leads to: a template, or the reason there is none. */
    public record Lookup(TemplateDefinition template, String problem) { }

    public Lookup find(String name) {
        Snapshot s = reloadIfChanged();
        if (s.fileProblem != null) {
            return new Lookup(null, s.fileProblem);
        }
        TemplateDefinition t = s.templates.get(name);
        if (t != null) {
            return new Lookup(t, null);
        }
        String problem = s.problems.get(name);
        if (problem != null) {
            return new Lookup(null, "Template '" + name + "' is misconfigured in " + file + ": " + problem);
        }
        return new Lookup(null, "There is no template named '" + name + "' in " + file
                + " (known: " + String.join(", ", s.templates.keySet()) + ").");
    }

    public Set<String> names() {
        return reloadIfChanged().templates.keySet();
    }

    private synchronized Snapshot reloadIfChanged() {
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(file);
        } catch (IOException e) {
            if (snapshot.fileProblem == null) {
                log.error("Templates file {} cannot be read: no campaign can start until it exists", file.toAbsolutePath());
            }
            return snapshot = new Snapshot(null, Map.of(), Map.of(), "The templates file " + file + " cannot be read.");
        }
        if (modified.equals(snapshot.modified)) {
            return snapshot;
        }
        snapshot = load(modified);
        return snapshot;
    }

    private Snapshot load(FileTime modified) {
        Map<String, Spec> specs;
        try {
            specs = yaml.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Spec>>() { });
        } catch (IOException e) {
            String problem = "The templates file " + file + " is not valid YAML for templates: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage());
            log.error(problem);
            return new Snapshot(modified, Map.of(), Map.of(), problem);
        }
        Map<String, TemplateDefinition> templates = new LinkedHashMap<>();
        Map<String, String> problems = new LinkedHashMap<>();
        if (specs != null) {
            specs.forEach((name, spec) -> {
                List<String> found = new ArrayList<>();
                TemplateDefinition t = check(name, spec, found);
                if (found.isEmpty()) {
                    templates.put(name, t);
                } else {
                    problems.put(name, String.join("; ", found));
                    log.error("Template '{}' in {} is misconfigured and its files will be rejected: {}", name, file, String.join("; ", found));
                }
            });
        }
        log.info("Loaded {} template(s) from {}: {}", templates.size(), file, String.join(", ", templates.keySet()));
        return new Snapshot(modified, templates, problems, null);
    }

    private static TemplateDefinition check(String name, Spec spec, List<String> problems) {
        if (spec == null) {
            problems.add("it has no settings");
            return null;
        }
        if (!META_NAME.matcher(name).matches()) {
            problems.add("a template name has only lower-case letters, digits and underscores");
        }
        if (RESERVED.contains(name)) {
            problems.add("'" + name + "' is a reserved folder name");
        }
        if (blank(spec.language)) {
            problems.add("'language' is missing (e.g. pt_BR)");
        }
        String body = spec.body == null ? "" : spec.body;
        Set<String> seen = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(body);
        while (m.find()) {
            seen.add(m.group(1));
        }
        List<String> placeholders = List.copyOf(seen);
        long numeric = placeholders.stream().filter(p -> p.chars().allMatch(Character::isDigit)).count();
        boolean named = numeric == 0 && !placeholders.isEmpty();
        if (numeric > 0 && numeric < placeholders.size()) {
            problems.add("the body mixes {{1}}-style and {{name}}-style placeholders");
        }
        if (!named) {
            for (int i = 1; i <= placeholders.size(); i++) {
                if (!placeholders.contains(String.valueOf(i))) {
                    problems.add("the body's placeholders must be {{1}} to {{" + placeholders.size() + "}} without gaps");
                    break;
                }
            }
        }
        List<String> parameters = spec.parameters == null ? null : spec.parameters.stream().map(String::strip).toList();
        if (parameters != null && parameters.size() != placeholders.size()) {
            problems.add("the body has " + placeholders.size() + " placeholder(s) but 'parameters' lists "
                    + parameters.size() + " column(s)");
        }
        TemplateDefinition.Media header = null;
        if (spec.header != null) {
            if (blank(spec.header.type) || !MEDIA.contains(spec.header.type.toLowerCase())) {
                problems.add("header type must be image, video or document");
            } else if (blank(spec.header.column)) {
                problems.add("header needs the 'column' holding the media URL");
            } else {
                header = new TemplateDefinition.Media(spec.header.type.toLowerCase(), spec.header.column.strip());
            }
        }
        List<TemplateDefinition.Button> buttons = new ArrayList<>();
        if (spec.buttons != null) {
            for (ButtonSpec b : spec.buttons) {
                if (b == null || !"url".equalsIgnoreCase(b.type)) {
                    problems.add("only buttons of type url take a parameter");
                } else if (b.index == null || b.index < 0 || b.index > 9) {
                    problems.add("a url button needs an 'index' from 0 to 9");
                } else if (blank(b.column)) {
                    problems.add("url button " + b.index + " needs the 'column' holding its value");
                } else {
                    buttons.add(new TemplateDefinition.Button(b.index, b.column.strip()));
                }
            }
        }
        if (numeric == placeholders.size()) {
            placeholders = placeholders.stream().sorted((a, b) -> Integer.parseInt(a) - Integer.parseInt(b)).toList();
        }
        return new TemplateDefinition(name, spec.language, body, named, placeholders, parameters, header, List.copyOf(buttons));
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private record Snapshot(FileTime modified, Map<String, TemplateDefinition> templates,
                            Map<String, String> problems, String fileProblem) { }

    @JsonIgnoreProperties(ignoreUnknown = false)
    static class Spec {
        public String language;
        public String body;
        public List<String> parameters;
        public MediaSpec header;
        public List<ButtonSpec> buttons;
    }

    static class MediaSpec {
        public String type;
        public String column;
    }

    static class ButtonSpec {
        public String type;
        public Integer index;
        public String column;
    }
}
