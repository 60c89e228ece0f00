package io.mpp.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * mpp as its own JVM, as an operator runs it: {@code java ... io.mpp.MppApplication <args>}, with the test class
 * path (the same classes and config.yml the jar holds), its output in a log file. For what only a real process
 * shows: exit codes, signals, shutdown.
 */
public final class MppProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private MppProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static MppProcess start(Path dir, Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"), "io.mpp.MppApplication"));
        command.addAll(List.of(args));
        Path log = Files.createTempFile(dir, "mpp-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        // Only the given MPP_* variables: a developer's own settings must not leak into the test.
        builder.environment().keySet().removeIf(name -> name.startsWith("MPP_"));
        builder.environment().putAll(environment);
        return new MppProcess(builder.start(), log);
    }

    /** Runs a command that ends by itself (help, version, usage errors) and returns its exit code. */
    public int awaitExit(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("mpp did not exit within " + seconds + "s; output:\n" + output());
        }
        return process.exitValue();
    }

    public boolean exitsWithin(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS);
    }

    /** SIGTERM, what Marathon, Kubernetes and systemd send first. */
    public void terminate() {
        process.destroy();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
