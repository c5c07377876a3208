package io.arauto.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The documentation lives in the repository: every Markdown file (README.md, docs/, and any other
 * outside build output) links only to files that exist inside the repository, to headings that
 * exist in them, and never to the team's notes outside it ({@code ../shared}).
 */
class DocsLinksTest {

    static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();

    /** Folders that hold build output, local data or tools' state, never documentation. */
    private static final Set<String> SKIPPED_DIRS = Set.of(".git", "target", "data", "out", "node_modules", ".idea");

    /** Where the contract used to live, outside the repository. */
    private static final Pattern OUTSIDE_NOTES = Pattern.compile("\\.\\./shared\\b|\\bshared/(SPEC|DESIGN|STYLE)\\.md");

    private static final Pattern FENCE = Pattern.compile("^\\s*(```|~~~)");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1");
    private static final Pattern INLINE_LINK = Pattern.compile("!?\\[(?:[^\\[\\]]|\\[[^\\]]*\\])*\\]\\(\\s*<?([^)\\s>]*)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern REFERENCE_DEFINITION = Pattern.compile("^\\s{0,3}\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(?:\\s.*)?$");
    private static final Pattern HTML_LINK = Pattern.compile("(?i)\\b(?:href|src)\\s*=\\s*\"([^\"]*)\"");
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");
    private static final Pattern HEADING = Pattern.compile("^\\s{0,3}#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern HTML_ANCHOR = Pattern.compile("(?i)<a\\s+(?:name|id)\\s*=\\s*\"([^\"]+)\"");

    private final Map<Path, Set<String>> anchorsByFile = new HashMap<>();

    @Test
    void theContractIsInTheRepository() {
        List<Path> files = markdownFiles();
        assertThat(files).as("Markdown files found under %s", ROOT)
                .contains(ROOT.resolve("README.md"), ROOT.resolve("docs/contract.md"), ROOT.resolve("docs/files.md"),
                        ROOT.resolve("docs/configuration.md"));
        String readme = read(ROOT.resolve("README.md"));
        assertThat(readme).as("README.md links to the contract pages in docs/")
                .contains("(docs/contract.md)", "(docs/files.md)", "(docs/configuration.md)");
    }

    @Test
    void noMarkdownFileMentionsTheNotesOutsideTheRepository() {
        List<String> problems = new ArrayList<>();
        for (Path file : markdownFiles()) {
            List<String> lines = read(file).lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = OUTSIDE_NOTES.matcher(lines.get(i));
                if (m.find()) {
                    problems.add(where(file, i) + " mentions '" + m.group() + "', which a person who clones the repository does not have; "
                            + "point to docs/ instead");
                }
            }
        }
        assertThat(problems).as("mentions of files outside the repository").isEmpty();
    }

    @Test
    void everyLinkStaysInTheRepositoryAndLeadsSomewhere() {
        List<String> problems = new ArrayList<>();
        for (Path file : markdownFiles()) {
            List<String> lines = proseLines(read(file));
            for (int i = 0; i < lines.size(); i++) {
                for (String target : linkTargets(lines.get(i))) {
                    String problem = problemWith(file, target);
                    if (problem != null) {
                        problems.add(where(file, i) + " links to '" + target + "': " + problem);
                    }
                }
            }
        }
        assertThat(problems).as("broken or outside links").isEmpty();
    }

    /** Why a link from {@code file} to {@code target} is wrong, or null when it is fine. */
    private String problemWith(Path file, String target) {
        if (target.isEmpty()) {
            return "the link is empty";
        }
        if (SCHEME.matcher(target).find()) {
            String scheme = target.substring(0, target.indexOf(':')).toLowerCase(Locale.ROOT);
            return scheme.equals("file") ? "a file: link points at one machine's disk; link to a file in the repository instead" : null;
        }
        if (target.startsWith("//")) {
            return null; // scheme-relative web address
        }
        int hash = target.indexOf('#');
        String pathPart = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        int query = pathPart.indexOf('?');
        if (query >= 0) {
            pathPart = pathPart.substring(0, query);
        }
        Path resolved = file;
        if (!pathPart.isEmpty()) {
            if (pathPart.startsWith("/")) {
                return "an absolute path; use a path relative to " + ROOT.relativize(file);
            }
            resolved = file.getParent().resolve(URLDecoder.decode(pathPart, StandardCharsets.UTF_8)).normalize();
            if (!resolved.startsWith(ROOT)) {
                return "it leaves the repository (resolves to " + resolved + ")";
            }
            if (!Files.exists(resolved)) {
                return "there is no " + ROOT.relativize(resolved) + " in the repository";
            }
        }
        if (anchor != null && !anchor.isEmpty() && resolved.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".md")
                && Files.isRegularFile(resolved)) {
            String wanted = URLDecoder.decode(anchor, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
            Set<String> anchors = anchorsOf(resolved);
            if (!anchors.contains(wanted)) {
                return "no heading in " + ROOT.relativize(resolved) + " has the anchor #" + anchor + " (it has: " + String.join(", ", anchors) + ")";
            }
        }
        return null;
    }

    private Set<String> anchorsOf(Path file) {
        return anchorsByFile.computeIfAbsent(file, f -> {
            Set<String> anchors = new LinkedHashSet<>();
            Map<String, Integer> seen = new HashMap<>();
            for (String line : proseLines(read(f))) {
                Matcher heading = HEADING.matcher(line);
                if (heading.matches()) {
                    String slug = slug(heading.group(1));
                    int n = seen.merge(slug, 1, Integer::sum) - 1;
                    anchors.add(n == 0 ? slug : slug + "-" + n);
                }
                Matcher html = HTML_ANCHOR.matcher(line);
                while (html.find()) {
                    anchors.add(html.group(1).toLowerCase(Locale.ROOT));
                }
            }
            return anchors;
        });
    }

    /**
     * A heading's anchor as GitHub makes it: the text without Markdown markup, lower case, with
     * everything but letters, digits, spaces, hyphens and underscores dropped, spaces as hyphens.
     */
    static String slug(String heading) {
        String text = heading
                .replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1") // links keep their text
                .replaceAll("<[^>]+>", "")                        // inline HTML
                .replace("`", "")
                .replace("*", "");
        return text.strip().toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N}\\p{M} _-]", "")
                .replace(' ', '-');
    }

    /** Where links may be: the file's lines with fenced code blocks blanked and code spans removed. */
    private static List<String> proseLines(String text) {
        List<String> lines = new ArrayList<>();
        boolean inFence = false;
        for (String line : text.lines().toList()) {
            if (FENCE.matcher(line).find()) {
                inFence = !inFence;
                lines.add("");
            } else {
                lines.add(inFence ? "" : CODE_SPAN.matcher(line).replaceAll(""));
            }
        }
        return lines;
    }

    private static List<String> linkTargets(String line) {
        List<String> targets = new ArrayList<>();
        for (Pattern p : List.of(INLINE_LINK, REFERENCE_DEFINITION, HTML_LINK)) {
            Matcher m = p.matcher(line);
            while (m.find()) {
                targets.add(m.group(1).strip());
            }
        }
        return targets;
    }

    static List<Path> markdownFiles() {
        List<Path> files = new ArrayList<>();
        try {
            Files.walkFileTree(ROOT, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                    return !dir.equals(ROOT) && SKIPPED_DIRS.contains(dir.getFileName().toString())
                            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    if (attributes.isRegularFile() && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".md")) {
                        files.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        files.sort(null);
        return files;
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String where(Path file, int lineIndex) {
        return ROOT.relativize(file) + ":" + (lineIndex + 1);
    }
}
