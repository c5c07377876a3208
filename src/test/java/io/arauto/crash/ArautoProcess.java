package io.arauto.crash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import static org.awaitility.Awaitility.await;

/**
 * Arauto as a user runs it: the built Spring Boot jar (extracted once for a quicker start, {@link PreparedJar}) in a
 * JVM of its own, started from the repository root (so it finds {@code routes/} and {@code config/}), its stdout and
 * stderr in a log file. It can be killed (SIGKILL, as a power cut or the OOM killer would) or stopped (SIGTERM, as a service manager does).
 *
 * <p>Its log is checked when the test is done (see {@link ArautoProcesses}): any ERROR line or stack trace
 * the test did not declare with {@link #expectProblems}, any {@code OutOfMemoryError}, and any full
 * phone number fail the test. Counts are never read from the log.
 */
public final class ArautoProcess {

    private static final Pattern STARTED = Pattern.compile("Started ArautoApplication in");
    private static final Pattern PORT = Pattern.compile("Tomcat started on port (\\d+)");
    /** Spring Boot's console format: {@code 2026-11-29T17:18:11.961Z  INFO 4527 --- [arauto] [main] logger : message}. */
    static final Pattern ENTRY = Pattern.compile("^\\d{4}-\\d{2}-\\d{2}T\\S+\\s+(TRACE|DEBUG|INFO|WARN|ERROR)\\s.*");
    private static final Pattern STACK_LINE = Pattern.compile("^(\\s+at \\S|\\s*Caused by: |\\s*Suppressed: |\\s+\\.\\.\\. \\d+ more).*");
    private static final Pattern EXCEPTION_LINE = Pattern.compile("^(Exception in thread|\\S+(Exception|Error)(: .*)?$).*");
    /**
     * A full Brazilian number in any of the ways Arauto holds one (E.164 with or without '+', or as the
     * test's files write it). Masked numbers ({@code +55119****4321}) do not match.
     */
    private static final Pattern FULL_PHONE = Pattern.compile("(?<![\\d.])(\\+?55\\d{10,11}|\\+55 \\d{2} \\d{4,5}-\\d{4})(?!\\d)");

    /**
     * JVM options for the short runs of the kill and outage tests, which start Arauto up to six times each:
     * the README's collector, and the client compiler only, which roughly halves start-up on a busy 2-core
     * machine (the C2 compiler threads compete with start-up for the cores). What is sent, and when, does not change.
     */
    public static final String[] QUICK_START = {"-XX:+UseParallelGC", "-Xmx512m", "-XX:TieredStopAtLevel=1"};

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final Process process;
    private final Path log;
    private final List<Pattern> expected = new ArrayList<>();
    private int port;
    private String apiToken;
    /** The REST API's token of every process started here, unless its options set one. */
    static final String API_TOKEN = "crash-test-api-token";

    private ArautoProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** What to start: the data folder, the Spring properties ({@code --key=value}) and the JVM's options. */
    public static final class Options {
        final Map<String, String> properties = new LinkedHashMap<>();
        final List<String> jvmOptions = new ArrayList<>();
        Duration startTimeout = Duration.ofSeconds(180);

        public Options dataDir(Path dir) {
            return property("arauto.data-dir", dir.toString());
        }

        public Options property(String key, Object value) {
            properties.put(key, String.valueOf(value));
            return this;
        }

        public Options jvm(String... options) {
            jvmOptions.addAll(List.of(options));
            return this;
        }

        public Options copy() {
            Options copy = new Options();
            copy.properties.putAll(properties);
            copy.jvmOptions.addAll(jvmOptions);
            copy.startTimeout = startTimeout;
            return copy;
        }
    }

    /** Starts the jar and waits until its log says it started; {@code log} is where its output goes. */
    static ArautoProcess start(String name, Options options, Path log) throws IOException {
        PreparedJar.Prepared jar = PreparedJar.of(jar());
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jar.jvmOptions());
        command.addAll(options.jvmOptions);
        command.add("-jar");
        command.add(jar.jar().toString());
        command.add("--server.port=0"); // a free port, chosen by the OS when it binds; read back from the log
        options.properties.forEach((key, value) -> command.add("--" + key + "=" + value));
        // health shows its components (ledger, sender, ...) only to a caller with the REST API's token
        String apiToken = options.properties.getOrDefault("arauto.api.token", API_TOKEN);
        if (!options.properties.containsKey("arauto.api.token")) {
            command.add("--arauto.api.token=" + API_TOKEN);
        }
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(command)
                .directory(home().toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        ArautoProcess arauto = new ArautoProcess(name, process, log);
        arauto.apiToken = apiToken;
        try {
            await("Arauto '" + name + "' to start (log: " + log + ")").atMost(options.startTimeout)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new AssertionError("Arauto '" + name + "' exited with " + process.exitValue()
                                    + " before it started; its log " + log + " ends with:\n" + arauto.tail(40));
                        }
                        return STARTED.matcher(arauto.logText()).find();
                    });
        } catch (RuntimeException | Error e) {
            process.destroyForcibly();
            throw e;
        }
        Matcher port = PORT.matcher(arauto.logText());
        if (!port.find()) {
            process.destroyForcibly();
            throw new AssertionError("Arauto '" + name + "' started but its log does not say its HTTP port: " + log);
        }
        arauto.port = Integer.parseInt(port.group(1));
        return arauto;
    }

    /** The repository root: Arauto's working directory. */
    static Path home() {
        return Path.of(System.getProperty("arauto.home", ".")).toAbsolutePath().normalize();
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("arauto.jar", "target/arauto-0.1.0-SNAPSHOT.jar"));
        Path resolved = jar.isAbsolute() ? jar : home().resolve(jar);
        if (!Files.isRegularFile(resolved)) {
            throw new IllegalStateException("No Arauto jar at " + resolved + ": these tests run the packaged jar (mvn verify builds it)");
        }
        return resolved;
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL (on Linux {@link Process#destroyForcibly()} is {@code kill -9}), then waits until the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("Arauto '" + name + "' (pid " + pid() + ") still runs 30 s after SIGKILL");
        }
    }

    /** SIGTERM; true when the process ended within {@code timeout}. The process is left running otherwise. */
    public boolean stop(Duration timeout) throws InterruptedException {
        process.destroy();
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public int exitValue() {
        return process.exitValue();
    }

    /** {@code GET /actuator/health}: Spring answers 200 when UP and 503 when DOWN, with the same JSON. */
    public JsonNode health() throws IOException, InterruptedException {
        return health(Duration.ofSeconds(10));
    }

    /** {@link #health()}, waiting up to {@code timeout} for the answer. */
    public JsonNode health(Duration timeout) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health"))
                .header("Authorization", "Bearer " + apiToken).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200 && response.statusCode() != 503) {
            throw new AssertionError("GET /actuator/health answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /**
     * The heap in use right after a full collection, in bytes: {@code jcmd <pid> GC.run}, then
     * {@code GC.heap_info} (young and old generations of ParallelGC or Serial, or G1's whole heap).
     */
    public long heapUsedAfterFullGc() throws IOException, InterruptedException {
        jcmd("GC.run");
        return heapUsed(jcmd("GC.heap_info"));
    }

    static long heapUsed(String heapInfo) {
        long kb = 0;
        boolean found = false;
        Pattern used = Pattern.compile("^\\s*(garbage-first heap|PSYoungGen|ParOldGen|def new generation|tenured generation)\\s+total \\d+K, used (\\d+)K");
        for (String line : heapInfo.split("\\R")) {
            Matcher m = used.matcher(line);
            if (m.find()) {
                kb += Long.parseLong(m.group(2));
                found = true;
            }
        }
        if (!found) {
            throw new AssertionError("Could not read the heap in use from jcmd GC.heap_info:\n" + heapInfo);
        }
        return kb * 1024;
    }

    private String jcmd(String what) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid()), what).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new AssertionError("jcmd " + pid() + " " + what + " failed: " + out);
        }
        return out;
    }

    /**
     * Log entries matching one of these (an entry is a log line with the stack trace under it) are
     * expected problems: an ERROR or a stack trace there does not fail the test. OutOfMemoryError always does.
     */
    public ArautoProcess expectProblems(Pattern... patterns) {
        expected.addAll(List.of(patterns));
        return this;
    }

    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException malformed) { // killed half-way through a multi-byte character
            try {
                return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public boolean logContains(String text) {
        return logText().contains(text);
    }

    String tail(int lines) {
        String[] all = logText().split("\\R");
        return String.join("\n", List.of(all).subList(Math.max(0, all.length - lines), all.length));
    }

    /** What in the log breaks a promise: unexpected ERRORs and stack traces, any OutOfMemoryError, full phone numbers. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        for (List<String> entry : entries(logText())) {
            String text = String.join("\n", entry);
            if (text.contains("OutOfMemoryError")) {
                problems.add("OutOfMemoryError: " + text);
                continue;
            }
            Matcher phone = FULL_PHONE.matcher(text);
            if (phone.find()) {
                problems.add("a full phone number (" + phone.group(1).substring(0, 6) + "...) in the log: " + text);
                continue;
            }
            boolean error = entry.get(0).matches("^\\S+\\s+ERROR\\s.*");
            boolean stackTrace = entry.stream().anyMatch(l -> STACK_LINE.matcher(l).matches())
                    || entry.stream().anyMatch(l -> EXCEPTION_LINE.matcher(l).matches());
            if ((error || stackTrace) && expected.stream().noneMatch(p -> p.matcher(text).find())) {
                problems.add(text);
            }
        }
        return problems;
    }

    /** The log cut into entries: a line in Spring's format and the lines under it (a stack trace). */
    static List<List<String>> entries(String text) {
        List<List<String>> entries = new ArrayList<>();
        List<String> current = null;
        for (String line : text.split("\\R")) {
            if (line.isEmpty()) {
                continue;
            }
            if (current == null || ENTRY.matcher(line).matches()) {
                current = new ArrayList<>();
                entries.add(current);
            }
            current.add(line);
        }
        return entries;
    }

    @Override
    public String toString() {
        return "Arauto '" + name + "' (pid " + pid() + ", port " + port + ", log " + log + ")";
    }
}
