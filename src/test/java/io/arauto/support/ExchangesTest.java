package io.arauto.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The routes' YAML spells the exchange's header and property names that {@link Exchanges} holds
 * for the Java side: every {@code Arauto*} name and every exchange property in routes/*.camel.yaml
 * must be one of its constants, and a route file using them points to it.
 */
class ExchangesTest {

    private static final Path ROUTES = Path.of("routes");
    private static final Pattern ARAUTO_NAME = Pattern.compile("\\bArauto[A-Z][A-Za-z]*");
    private static final Pattern PROPERTY_READ = Pattern.compile("exchangeProperty\\.([A-Za-z][A-Za-z0-9]*)");
    private static final Pattern PROPERTY_SET = Pattern.compile("setProperty:\\s*\\n\\s*name:\\s*\"?([A-Za-z][A-Za-z0-9]*)");

    @Test
    void everyNameTheRoutesPassIsAConstant() throws IOException {
        Set<String> constants = constants();
        List<String> unknown = new ArrayList<>();
        for (Path route : routes()) {
            String yaml = Files.readString(route, StandardCharsets.UTF_8);
            for (String name : namesIn(yaml)) {
                if (!constants.contains(name)) {
                    unknown.add(name + " in " + route);
                }
            }
        }
        assertThat(unknown).as("header or property names used in routes/ that io.arauto.support.Exchanges does not hold").isEmpty();
    }

    @Test
    void routeFilesUsingThemPointToExchanges() throws IOException {
        List<String> silent = new ArrayList<>();
        for (Path route : routes()) {
            String yaml = Files.readString(route, StandardCharsets.UTF_8);
            if (!namesIn(yaml).isEmpty() && !yaml.contains("io.arauto.support.Exchanges")) {
                silent.add(route.toString());
            }
        }
        assertThat(silent).as("route files that pass Arauto headers or properties without a comment naming io.arauto.support.Exchanges")
                .isEmpty();
    }

    @Test
    void theNamesAreFound() throws IOException {
        String intake = Files.readString(ROUTES.resolve("campaign-intake.camel.yaml"), StandardCharsets.UTF_8);
        assertThat(namesIn(intake)).contains(Exchanges.LOCAL_PATH, Exchanges.SOURCE, Exchanges.ARCHIVE_NAME, Exchanges.INTAKE);
    }

    private static Set<String> namesIn(String yaml) {
        Set<String> names = new TreeSet<>();
        for (Pattern pattern : List.of(ARAUTO_NAME, PROPERTY_READ, PROPERTY_SET)) {
            Matcher m = pattern.matcher(yaml);
            while (m.find()) {
                names.add(m.groupCount() == 0 ? m.group() : m.group(1));
            }
        }
        return names;
    }

    private static Set<String> constants() {
        Set<String> values = new TreeSet<>();
        for (Field field : Exchanges.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                try {
                    values.add((String) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return values;
    }

    private static List<Path> routes() throws IOException {
        try (Stream<Path> files = Files.list(ROUTES)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".camel.yaml")).sorted().collect(Collectors.toList());
        }
    }
}
