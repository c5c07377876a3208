package io.arauto.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.beans.BeanInfo;
import java.beans.IntrospectionException;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.ConfigurationProperties;

import io.arauto.config.ArautoProperties;

/**
 * docs/configuration.md names every {@code arauto.*} key the code reads, so a new key cannot go
 * undocumented, and names no key the code does not read, except under a heading with "planned" in
 * it, whose keys must not be read yet. The keys the code reads are:
 * <ul>
 *   <li>every property {@link ArautoProperties} binds, found by walking its getters and setters as
 *       Spring's binder does (nested classes of {@code io.arauto} are walked into, and so are the values of a map of
 *       them, as {@code <name>}: {@code arauto.schedules.<name>.cron});</li>
 *   <li>every {@code {{arauto.…}}} placeholder in routes/*.camel.yaml (those with a default written
 *       in the route too);</li>
 *   <li>every {@code ${arauto.…}} and {@code @ConditionalOnProperty("arauto.…")} in src/main/java.</li>
 * </ul>
 * The documented keys are the backticked {@code arauto.…} keys in the first column of the page's
 * tables.
 */
class DocsConfigurationTest {

    private static final Path ROOT = DocsLinksTest.ROOT;
    private static final Path PAGE = ROOT.resolve("docs/configuration.md");

    private static final Pattern DOCUMENTED_KEY = Pattern.compile("`(arauto(?:\\.(?:[a-z0-9][a-z0-9-]*|<[a-z-]+>))+)`");
    private static final Pattern ROUTE_PLACEHOLDER = Pattern.compile("\\{\\{\\??(arauto\\.[A-Za-z0-9.-]+)(?::[^}]*)?}}");
    private static final Pattern JAVA_KEY =
            Pattern.compile("\\$\\{(arauto\\.[A-Za-z0-9.-]+)|@ConditionalOnProperty\\(\\s*\"(arauto\\.[A-Za-z0-9.-]+)\"");

    /**
     * Placeholders the code makes from real keys for the routes, not settings of their own:
     * SftpSettings turns arauto.intake.sftp.* into endpoint options, DoneFilesSetting turns
     * arauto.intake.done-files into the done-file name.
     */
    private static boolean derived(String key) {
        return key.startsWith("arauto.intake.sftp.camel.") || key.equals("arauto.intake.done-file-name");
    }

    @Test
    void theKeysOfArautoPropertiesAreFound() {
        assertThat(boundKeys()).containsKeys("arauto.data-dir", "arauto.intake.stable-for", "arauto.intake.sftp.private-key-file",
                "arauto.provider.cloud-api.access-token", "arauto.crm.datasource.url");
    }

    @Test
    void everyKeyArautoReadsIsDocumented() {
        Map<String, String> read = keysTheCodeReads();
        Set<String> documented = documentedKeys(false);
        List<String> missing = new ArrayList<>();
        read.forEach((key, where) -> {
            if (!documented.contains(key)) {
                missing.add(key + " (" + where + ")");
            }
        });
        assertThat(missing)
                .as("keys Arauto reads that docs/configuration.md does not document; add a row "
                        + "| `<key>` | <default> | <meaning> | to a table outside the 'Planned keys' section")
                .isEmpty();
    }

    @Test
    void everyDocumentedKeyIsRead() {
        Set<String> read = keysTheCodeReads().keySet();
        List<String> unknown = documentedKeys(false).stream().filter(key -> !read.contains(key)).toList();
        assertThat(unknown)
                .as("keys docs/configuration.md lists as read today that nothing in the code reads; remove them, or move them "
                        + "to the 'Planned keys' section if they belong to a planned capability")
                .isEmpty();
    }

    @Test
    void plannedKeysAreNotReadYet() {
        Set<String> read = keysTheCodeReads().keySet();
        List<String> built = documentedKeys(true).stream().filter(read::contains).toList();
        assertThat(built)
                .as("keys docs/configuration.md lists as planned that the code now reads; move them to the tables of keys "
                        + "Arauto reads, with their defaults")
                .isEmpty();
    }

    /** Every key the code reads, with where it is read. */
    static Map<String, String> keysTheCodeReads() {
        Map<String, String> keys = new TreeMap<>(boundKeys());
        for (Path route : files(ROOT.resolve("routes"), ".camel.yaml")) {
            collect(route, ROUTE_PLACEHOLDER, keys);
        }
        for (Path source : files(ROOT.resolve("src/main/java"), ".java")) {
            collect(source, JAVA_KEY, keys);
        }
        keys.keySet().removeIf(DocsConfigurationTest::derived);
        return keys;
    }

    /** The keys ArautoProperties binds, as Spring's binder names them (kebab case). */
    static Map<String, String> boundKeys() {
        ConfigurationProperties annotation = ArautoProperties.class.getAnnotation(ConfigurationProperties.class);
        String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
        Map<String, String> keys = new TreeMap<>();
        walk(prefix, ArautoProperties.class, keys, new HashSet<>());
        return keys;
    }

    private static void walk(String prefix, Class<?> type, Map<String, String> keys, Set<Class<?>> walking) {
        BeanInfo info;
        try {
            info = Introspector.getBeanInfo(type, Object.class);
        } catch (IntrospectionException e) {
            throw new IllegalStateException(e);
        }
        for (PropertyDescriptor property : info.getPropertyDescriptors()) {
            Class<?> propertyType = property.getPropertyType();
            if (propertyType == null || property.getReadMethod() == null && property.getWriteMethod() == null) {
                continue;
            }
            String key = prefix + "." + kebab(property.getName());
            Class<?> mapValues = mapValueType(property);
            if (mapValues != null && mapValues.getName().startsWith("io.arauto.")) {
                // a map of groups by name (arauto.schedules.<name>.cron): its keys are documented with <name>
                walk(key + ".<name>", mapValues, keys, walking);
                continue;
            }
            boolean nested = propertyType.getName().startsWith("io.arauto.") && !propertyType.isEnum();
            if (nested) {
                if (walking.add(propertyType)) {
                    walk(key, propertyType, keys, walking);
                    walking.remove(propertyType);
                }
            } else if (property.getWriteMethod() != null || Map.class.isAssignableFrom(propertyType)
                    || Collection.class.isAssignableFrom(propertyType)) {
                keys.put(key, "bound by ArautoProperties" + (type == ArautoProperties.class ? "" : "." + type.getSimpleName()));
            }
        }
    }

    /** The values' class of a {@code Map<String, X>} property, or null. */
    private static Class<?> mapValueType(PropertyDescriptor property) {
        if (property.getReadMethod() == null || !Map.class.isAssignableFrom(property.getPropertyType())
                || !(property.getReadMethod().getGenericReturnType() instanceof java.lang.reflect.ParameterizedType map)) {
            return null;
        }
        return map.getActualTypeArguments()[1] instanceof Class<?> values ? values : null;
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** The arauto keys in the first column of the page's tables, under "planned" headings or the others. */
    static Set<String> documentedKeys(boolean planned) {
        Set<String> keys = new TreeSet<>();
        boolean inPlanned = false;
        boolean inFence = false;
        for (String line : DocsLinksTest.read(PAGE).lines().toList()) {
            if (line.strip().startsWith("```")) {
                inFence = !inFence;
                continue;
            }
            if (inFence) {
                continue;
            }
            if (line.startsWith("## ")) {
                inPlanned = line.toLowerCase(Locale.ROOT).contains("planned");
                continue;
            }
            String[] cells = line.strip().split("\\|", -1);
            if (!line.strip().startsWith("|") || cells.length < 3 || inPlanned != planned) {
                continue;
            }
            Matcher m = DOCUMENTED_KEY.matcher(cells[1]);
            while (m.find()) {
                keys.add(m.group(1));
            }
        }
        return keys;
    }

    private static void collect(Path file, Pattern pattern, Map<String, String> keys) {
        Matcher m = pattern.matcher(DocsLinksTest.read(file));
        while (m.find()) {
            String key = m.group(1) != null || m.groupCount() < 2 ? m.group(1) : m.group(2);
            keys.putIfAbsent(key, "read in " + ROOT.relativize(file));
        }
    }

    private static List<Path> files(Path dir, String ending) {
        try (Stream<Path> paths = Files.walk(dir)) {
            return paths.filter(p -> p.getFileName().toString().endsWith(ending)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
