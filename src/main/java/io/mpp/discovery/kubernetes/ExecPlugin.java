package io.mpp.discovery.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import io.mpp.util.GoDuration;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A kubeconfig user's {@code exec} credential plugin (e.g. {@code aws eks get-token}), run by mpp itself rather than
 * by the client, which reads the plugin's output and waits for it without any bound: a plugin that hangs would hang
 * mpp's start and then every selection. Here a run that takes longer than {@code MPP_KUBE_TIMEOUT} is killed.
 * Non-interactive, as client-go runs plugins without a terminal; only tokens are taken, not client certificates.
 */
final class ExecPlugin {

    private static final List<String> API_VERSIONS = List.of("client.authentication.k8s.io/v1",
            "client.authentication.k8s.io/v1beta1", "client.authentication.k8s.io/v1alpha1");
    /** An ExecCredential is a few KiB; more is not one, and reading it all would put the heap at the plugin's mercy. */
    private static final int MAX_ANSWER = 1 << 20;
    /**
     * Plugins running now. The JVM does not end a child process when it exits, and a stop can come while nothing
     * is there to interrupt the run (during start-up, say): the shutdown hook kills what is left.
     */
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(ExecPlugin::kill),
                "mpp-exec-plugin-reaper"));
    }

    private final String command;
    private final List<String> argv;
    private final Map<String, String> env;
    private final String apiVersion;
    private final String installHint;
    private final Duration timeout;

    private ExecPlugin(String command, List<String> argv, Map<String, String> env, String apiVersion,
                       String installHint, Duration timeout) {
        this.command = command;
        this.argv = List.copyOf(argv);
        this.env = Map.copyOf(env);
        this.apiVersion = apiVersion;
        this.installHint = installHint;
        this.timeout = timeout;
    }

    /**
     * @param entry      the user's {@code exec} entry of the kubeconfig
     * @param kubeconfig the file, against whose directory a relative command path is resolved (as kubectl does)
     * @param timeout    bound on one run
     * @throws IllegalArgumentException saying what the entry lacks; never quoting its values (env may hold secrets)
     */
    static ExecPlugin of(Object entry, Path kubeconfig, Duration timeout) {
        if (!(entry instanceof Map<?, ?> exec)) {
            throw new IllegalArgumentException("its user's exec entry is not a mapping");
        }
        if (!(exec.get("command") instanceof String command) || command.isBlank()) {
            throw new IllegalArgumentException("its user's exec plugin has no command");
        }
        if (!(exec.get("apiVersion") instanceof String apiVersion) || !API_VERSIONS.contains(apiVersion)) {
            throw new IllegalArgumentException("the exec plugin " + command + " needs an apiVersion among "
                    + String.join(", ", API_VERSIONS));
        }
        List<String> argv = new ArrayList<>();
        // A path is relative to the kubeconfig's directory; a bare name is looked up in PATH.
        boolean isPath = command.contains("/") || command.contains("\\");
        argv.add(isPath ? kubeconfig.toAbsolutePath().getParent().resolve(command).normalize().toString() : command);
        if (exec.get("args") instanceof List<?> args) {
            args.forEach(arg -> argv.add(String.valueOf(arg)));
        } else if (exec.get("args") != null) {
            throw new IllegalArgumentException("the args of the exec plugin " + command + " are not a list");
        }
        Map<String, String> env = new LinkedHashMap<>();
        if (exec.get("env") instanceof List<?> entries) {
            for (Object item : entries) {
                if (!(item instanceof Map<?, ?> variable) || !(variable.get("name") instanceof String name)) {
                    throw new IllegalArgumentException("the env of the exec plugin " + command
                            + " has an entry without a name");
                }
                env.put(name, variable.get("value") == null ? "" : String.valueOf(variable.get("value")));
            }
        } else if (exec.get("env") != null) {
            throw new IllegalArgumentException("the env of the exec plugin " + command + " is not a list");
        }
        // What client-go tells a plugin; without it some plugins assume an older protocol.
        env.put("KUBERNETES_EXEC_INFO", "{\"apiVersion\":\"" + apiVersion + "\",\"kind\":\"ExecCredential\","
                + "\"spec\":{\"interactive\":false}}");
        String hint = exec.get("installHint") instanceof String h && !h.isBlank() ? h.strip() : null;
        return new ExecPlugin(command, argv, env, apiVersion, hint, timeout);
    }

    /** The command as the kubeconfig writes it, for messages. */
    String command() {
        return command;
    }

    Duration timeout() {
        return timeout;
    }

    /**
     * Runs the plugin and reads its token, by the deadline at the latest ({@link System#nanoTime()}); the plugin
     * and what it started are killed once it is over.
     *
     * @throws ExecPluginException    naming the command and what went wrong, never what the plugin printed
     * @throws InterruptedIOException when the thread was interrupted (mpp stops); the plugin is killed too
     */
    ExecCredential run(long deadline) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new ExecPluginException("the exec plugin " + command + " cannot be started (" + e.getMessage() + ")"
                    + (installHint == null ? "" : ": " + installHint), e);
        }
        RUNNING.add(process);
        try {
            process.getOutputStream().close(); // not interactive: a plugin that asks for input gets none
            FutureTask<byte[]> answer = new FutureTask<>(() -> {
                try (InputStream out = process.getInputStream()) {
                    return out.readNBytes(MAX_ANSWER + 1);
                }
            });
            Thread reader = new Thread(answer, "mpp-exec-plugin-output");
            reader.setDaemon(true);
            reader.start();
            byte[] output = answer.get(remaining(deadline), TimeUnit.NANOSECONDS);
            if (output.length > MAX_ANSWER) {
                throw notACredential();
            }
            if (!process.waitFor(remaining(deadline), TimeUnit.NANOSECONDS)) {
                throw timedOut();
            }
            if (process.exitValue() != 0) {
                throw new ExecPluginException("the exec plugin " + command + " failed with exit code "
                        + process.exitValue() + " (its error output goes to mpp's standard error)");
            }
            return read(output);
        } catch (TimeoutException e) {
            throw timedOut();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the exec plugin " + command + " ran");
        } catch (ExecutionException e) {
            throw new ExecPluginException("cannot read what the exec plugin " + command + " answered", e.getCause());
        } finally {
            kill(process);
            RUNNING.remove(process);
        }
    }

    private ExecCredential read(byte[] output) throws ExecPluginException {
        JsonNode root;
        try {
            root = ApiServer.MAPPER.readTree(output);
        } catch (IOException e) {
            throw notACredential(); // without the parser's message, which quotes the output
        }
        if (root == null || !"ExecCredential".equals(root.path("kind").asText())
                || !apiVersion.equals(root.path("apiVersion").asText())) {
            throw notACredential();
        }
        JsonNode status = root.path("status");
        String token = status.path("token").asText("");
        if (token.isEmpty()) {
            throw status.hasNonNull("clientCertificateData")
                    ? new ExecPluginException("the exec plugin " + command + " answered a client certificate; mpp"
                            + " takes only tokens from exec plugins")
                    : notACredential();
        }
        return new ExecCredential(token, expiry(status.path("expirationTimestamp").asText("")));
    }

    /** When the token expires; null when not said or unreadable (the refresh period then bounds its use). */
    private static Instant expiry(String timestamp) {
        if (timestamp.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(timestamp).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private ExecPluginException timedOut() {
        return new ExecPluginException("the exec plugin " + command + " did not answer within "
                + GoDuration.format(timeout));
    }

    private ExecPluginException notACredential() {
        return new ExecPluginException("the exec plugin " + command + " did not answer an ExecCredential of "
                + apiVersion + " with a token");
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    /** Kills the plugin and what it started (a shell script's children would keep its output open). */
    private static void kill(Process process) {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
