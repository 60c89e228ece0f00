package io.mpp.testing;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Prometheus server on a free loopback port, scraping itself every second, with its data in a folder the
 * test owns. Needs the {@code prometheus} binary (Debian package {@code prometheus}) on the PATH.
 */
public final class PrometheusProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path dir;
    private final int port;
    private final List<String> extraArgs;
    private final String extraScrapeConfigs;
    private final boolean tls;
    private Process process;

    private PrometheusProcess(Path dir, int port, List<String> extraArgs, String extraScrapeConfigs, boolean tls) {
        this.dir = dir;
        this.port = port;
        this.extraArgs = extraArgs;
        this.extraScrapeConfigs = extraScrapeConfigs;
        this.tls = tls;
    }

    /** Starts Prometheus with its data under {@code dir/data} and waits until it is ready. */
    public static PrometheusProcess start(Path dir, String... extraArgs) throws IOException {
        PrometheusProcess p = new PrometheusProcess(dir, FreePorts.next(), List.of(extraArgs), "", false);
        p.launch();
        return p;
    }

    /**
     * Starts Prometheus that also scrapes {@code target} ({@code host:port}) at {@code metricsPath} every second, as
     * job {@code job}: a real scraper for an exposition under test.
     */
    public static PrometheusProcess startScraping(Path dir, String job, String target, String metricsPath)
            throws IOException {
        String scrape = """
                  - job_name: %s
                    metrics_path: %s
                    static_configs:
                      - targets: ['%s']
                """.formatted(job, metricsPath, target);
        PrometheusProcess p = new PrometheusProcess(dir, FreePorts.next(), List.of(), scrape, false);
        p.launch();
        return p;
    }

    /**
     * Starts Prometheus serving https only, with this certificate chain and key (PEM). Its own scrape of itself
     * goes over plain http and fails, so its {@code up} is 0, which a query still answers.
     */
    public static PrometheusProcess startTls(Path dir, Path certPem, Path keyPem) throws IOException {
        Files.createDirectories(dir);
        Path web = dir.resolve("web.yml");
        Files.writeString(web, """
                tls_server_config:
                  cert_file: %s
                  key_file: %s
                """.formatted(certPem, keyPem));
        PrometheusProcess p = new PrometheusProcess(dir, FreePorts.next(), List.of("--web.config.file=" + web), "",
                true);
        p.launch();
        return p;
    }

    public static String binary() {
        for (String candidate : List.of("/usr/bin/prometheus", "/usr/local/bin/prometheus")) {
            if (new File(candidate).canExecute()) {
                return candidate;
            }
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String d : path.split(File.pathSeparator)) {
            File f = new File(d, "prometheus");
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        throw new IllegalStateException("the 'prometheus' binary is not installed: apt-get install -y prometheus"
                + " (the end-to-end tests start real Prometheus servers)");
    }

    /** promtool, which the Prometheus packages and release archives put next to the server. */
    public static String promtool() {
        return Path.of(binary()).resolveSibling("promtool").toString();
    }

    public Path dataDir() {
        return dir.resolve("data");
    }

    public int port() {
        return port;
    }

    public String url() {
        return (tls ? "https" : "http") + "://127.0.0.1:" + port;
    }

    private void launch() throws IOException {
        Files.createDirectories(dataDir());
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: prometheus
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(port) + extraScrapeConfigs);
        List<String> command = new ArrayList<>(List.of(binary(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dataDir(),
                "--web.listen-address=127.0.0.1:" + port,
                "--web.enable-lifecycle"));
        command.addAll(extraArgs);
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile())
                .start();
        Await.until(Duration.ofSeconds(60), "Prometheus on port " + port + " to be ready (log: "
                + dir.resolve("prometheus.log") + ")", () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("Prometheus exited with " + process.exitValue() + ": "
                        + Files.readString(dir.resolve("prometheus.log")));
            }
            // Over https this class's own client would need the CA: the log says when it listens.
            return tls ? Files.readString(dir.resolve("prometheus.log")).contains("Server is ready to receive")
                    : status("/-/ready") == 200;
        });
    }

    /** Waits until Prometheus has scraped itself, so queries return data (its discovery waits ~5 s at start). */
    public PrometheusProcess awaitSamples() {
        Await.until(Duration.ofSeconds(60), "Prometheus on port " + port + " to have samples",
                () -> get("/api/v1/query?query=up").contains("\"value\""));
        return this;
    }

    /** kill -9: the process dies without closing its connections gracefully. */
    public void kill() {
        process.destroyForcibly();
        waitFor();
    }

    /**
     * kill -STOP: the process keeps its sockets open but answers nothing. Returns once every thread has stopped (a
     * signal reaches threads running on another core a little later), so nothing it answers is newer than the call.
     */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
        Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
        if (Files.exists(stat)) {
            Await.until(Duration.ofSeconds(10), "Prometheus " + process.pid() + " to be stopped",
                    () -> isStopped(Files.readString(stat)));
        }
    }

    /** The state in /proc/PID/stat is the field after the parenthesised command name: T when stopped. */
    private static boolean isStopped(String stat) {
        String afterName = stat.substring(stat.lastIndexOf(')') + 1).strip();
        return afterName.startsWith("T") || afterName.startsWith("t");
    }

    /** kill -CONT after {@link #pause()}. */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    private void signal(String name) throws IOException, InterruptedException {
        int rc = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
        if (rc != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed: " + rc);
        }
    }

    private void waitFor() {
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public int status(String path) {
        try {
            return HTTP.send(request(path), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    public String get(String path) {
        try {
            return HTTP.send(request(path), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private HttpRequest request(String path) {
        return HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(5)).build();
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            try {
                resume(); // a paused process ignores SIGTERM until continued
            } catch (IOException | InterruptedException ignored) {
                // best effort
            }
            process.destroy();
            try {
                if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
