package io.arauto.crash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The built jar made quick to start, once per build: extracted with Spring Boot's own {@code -Djarmode=tools extract}
 * (its classes read from plain jars, not from jars nested in the fat jar) and given a class-data archive (CDS) recorded by
 * one training start ({@code spring.context.exit=onRefresh}). On this 2-core machine a start then takes ~5-7 s instead of
 * ~10-13 s, and the crash tests start Arauto some 25 times. The code and configuration run are the jar's, unchanged.
 *
 * <p>Kept under {@code target/it-jar/} and made again when the jar changes. Should the extraction fail, the fat jar is
 * run as it is; should the training fail, the extracted jar runs without an archive (the JVM would ignore a stale one).
 */
final class PreparedJar {

    private static Path preparedFrom;
    private static Prepared prepared;

    record Prepared(Path jar, List<String> jvmOptions) { }

    private PreparedJar() {
    }

    static synchronized Prepared of(Path fatJar) {
        if (!fatJar.equals(preparedFrom)) {
            prepared = prepare(fatJar);
            preparedFrom = fatJar;
        }
        return prepared;
    }

    private static Path dir() {
        return ArautoProcess.home().resolve("target/it-jar");
    }

    private static Prepared prepare(Path fatJar) {
        Path dir = dir();
        try {
            String stamp = Files.size(fatJar) + " " + Files.getLastModifiedTime(fatJar).toMillis();
            Path stampFile = dir.resolve("made-from");
            Path app = dir.resolve("app");
            Path jar = app.resolve(fatJar.getFileName());
            Path archive = dir.resolve("arauto.jsa");
            if (!Files.isRegularFile(stampFile) || !Files.readString(stampFile).equals(stamp)) {
                deleteAll(dir);
                Files.createDirectories(dir);
                if (!run(List.of(java(), "-Djarmode=tools", "-jar", fatJar.toString(), "extract", "--destination", app.toString()),
                        dir.resolve("extract.log"), 120) || !Files.isRegularFile(jar)) {
                    System.out.println("PreparedJar: the jar could not be extracted (see " + dir.resolve("extract.log") + "); running it whole");
                    return new Prepared(fatJar, List.of());
                }
                Path trainingData = Files.createTempDirectory("arauto-cds-training-");
                List<String> training = new ArrayList<>(List.of(java(), "-XX:ArchiveClassesAtExit=" + archive,
                        "-Dspring.context.exit=onRefresh"));
                training.addAll(List.of(ArautoProcess.QUICK_START));
                training.addAll(List.of("-jar", jar.toString(), "--server.port=0", "--arauto.data-dir=" + trainingData,
                        "--arauto.api.token=" + ArautoProcess.API_TOKEN));
                if (!run(training, dir.resolve("training.log"), 180)) {
                    Files.deleteIfExists(archive);
                }
                deleteAll(trainingData);
                Files.writeString(stampFile, stamp);
            }
            return new Prepared(jar, Files.isRegularFile(archive) ? List.of("-XX:SharedArchiveFile=" + archive) : List.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static boolean run(List<String> command, Path log, int seconds) throws IOException {
        Process process = new ProcessBuilder(command).directory(ArautoProcess.home().toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                return false;
            }
            return process.exitValue() == 0;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void deleteAll(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
