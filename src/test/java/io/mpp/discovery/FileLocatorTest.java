package io.mpp.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.codahale.metrics.health.HealthCheck;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileLocatorTest {

    @TempDir
    Path dir;

    private static List<String> urls(List<Endpoint> endpoints) {
        return endpoints.stream().map(Endpoint::url).toList();
    }

    @Test
    void readsOneUrlPerLineSkippingBlanksAndComments() throws Exception {
        Path file = dir.resolve("endpoints");
        Files.writeString(file, """
                # replicas of the ops Prometheus
                http://127.0.0.1:9090

                   http://127.0.0.2:9090/   \t
                  # an indented comment
                https://prom.example/prefix/
                """);
        List<Endpoint> endpoints = new FileLocator(file).locate();
        assertThat(urls(endpoints)).containsExactly("http://127.0.0.1:9090", "http://127.0.0.2:9090",
                "https://prom.example/prefix");
        assertThat(endpoints).allSatisfy(e -> assertThat(e.locator()).isEqualTo("file:" + file));
    }

    @Test
    void reportsEachBadLineWithItsNumberAndKeepsTheOthers() {
        FileLocator.Parsed parsed = FileLocator.parse("eps", List.of(
                "http://a:9090",
                "a:9090",
                "ftp://b:21",
                "",
                "http://c:9090 # trailing comment",
                "http://user:secret@d:9090",
                "http://e:9090"), "file:eps");
        assertThat(urls(parsed.endpoints())).containsExactly("http://a:9090", "http://e:9090");
        assertThat(parsed.problems()).hasSize(4);
        assertThat(parsed.problems().get(0)).startsWith("eps:2: skipped: 'a:9090' is not an http(s) URL");
        assertThat(parsed.problems().get(1)).startsWith("eps:3: skipped:");
        assertThat(parsed.problems().get(2)).startsWith("eps:5: skipped:");
        assertThat(parsed.problems().get(3)).startsWith("eps:6: skipped:").doesNotContain("secret");
    }

    @Test
    void listsADuplicateOnce() {
        FileLocator.Parsed parsed = FileLocator.parse("eps", List.of("http://a:9090", "http://A:9090/"), "f");
        assertThat(urls(parsed.endpoints())).containsExactly("http://a:9090");
    }

    @Test
    void isReReadAtEveryCall() throws Exception {
        Path file = dir.resolve("endpoints");
        Files.writeString(file, "http://a:9090\n");
        FileLocator locator = new FileLocator(file);
        assertThat(urls(locator.locate())).containsExactly("http://a:9090");
        Files.writeString(file, "http://b:9090\nhttp://c:9090\n");
        assertThat(urls(locator.locate())).containsExactly("http://b:9090", "http://c:9090");
    }

    @Test
    void aMissingFileIsADiscoveryErrorNamingTheFile() {
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> new FileLocator(missing).locate())
                .isInstanceOf(DiscoveryException.class)
                .hasMessageContaining("cannot read endpoints file " + missing);
    }

    @Test
    void anUnreadableFileKeepsTheLastGoodListInUse() throws Exception {
        Path file = dir.resolve("endpoints");
        Files.writeString(file, "http://a:9090\n");
        FileLocator locator = new FileLocator(file);
        CompositeLocator composite = new CompositeLocator(List.of(locator), Clock.systemUTC());
        LocatorHealthCheck health = new LocatorHealthCheck(composite, locator.name());
        assertThat(health.execute().getMessage()).isEqualTo("not run yet");
        assertThat(urls(composite.locate())).containsExactly("http://a:9090");
        assertThat(composite.states().get(0).healthy()).isTrue();
        assertThat(health.execute().isHealthy()).isTrue();

        Files.delete(file);
        assertThat(urls(composite.locate())).containsExactly("http://a:9090");
        assertThat(composite.states().get(0).lastError()).contains("cannot read endpoints file");
        assertThat(composite.states().get(0).errors()).isEqualTo(1);
        HealthCheck.Result failing = health.execute();
        assertThat(failing.isHealthy()).isFalse();
        assertThat(failing.getMessage()).contains("cannot read endpoints file", "keeping the 1 endpoint(s) it found");

        Files.writeString(file, "http://b:9090\n");
        assertThat(urls(composite.locate())).containsExactly("http://b:9090");
        assertThat(composite.states().get(0).healthy()).isTrue();
        assertThat(health.execute().isHealthy()).isTrue();
        assertThat(composite.states().get(0).errors()).isEqualTo(1);
    }

    @Test
    void anEmptyFileIsTakenForOneBeingWrittenAndKeepsTheLastGoodList() throws Exception {
        Path file = dir.resolve("endpoints");
        Files.writeString(file, "http://a:9090\nhttp://b:9090\n");
        FileLocator locator = new FileLocator(file);
        CompositeLocator composite = new CompositeLocator(List.of(locator), Clock.systemUTC());
        LocatorHealthCheck health = new LocatorHealthCheck(composite, locator.name());
        assertThat(urls(composite.locate())).containsExactly("http://a:9090", "http://b:9090");

        for (String truncated : List.of("", " \n\t\r\n", "\uFEFF\n")) { // what `generator > endpoints` shows first
            Files.writeString(file, truncated);
            assertThat(urls(composite.locate())).as("'%s'", truncated)
                    .containsExactly("http://a:9090", "http://b:9090");
            HealthCheck.Result result = health.execute();
            assertThat(result.isHealthy()).isFalse();
            assertThat(result.getMessage()).contains("endpoints file " + file + " is empty",
                    "rename it over", "keeping the 2 endpoint(s)");
        }

        Files.writeString(file, "http://c:9090\n");
        assertThat(urls(composite.locate())).containsExactly("http://c:9090");
        assertThat(health.execute().isHealthy()).isTrue();
    }

    @Test
    void aFileWithContentButNoUrlMeansNoEndpointAndAnEmptyOneDoesAtStart() throws Exception {
        Path file = dir.resolve("endpoints");
        Files.writeString(file, "");
        FileLocator locator = new FileLocator(file);
        assertThat(locator.locate()).as("nothing found before: nothing to keep").isEmpty();
        Files.writeString(file, "http://a:9090\n");
        assertThat(urls(locator.locate())).containsExactly("http://a:9090");
        Files.writeString(file, "# http://a:9090 drained on purpose\n");
        assertThat(locator.locate()).isEmpty();
        Files.writeString(file, "");
        assertThat(locator.locate()).as("the last good read had none").isEmpty();
    }

    @Test
    void skippedLinesAreShownByTheHealthCheckWhichStaysHealthyWhileAnEndpointIsFound() throws Exception {
        Path file = dir.resolve("endpoints");
        Files.writeString(file, "http://a:9090\n# note\nprom-b:9090\nftp://c\n");
        FileLocator locator = new FileLocator(file);
        CompositeLocator composite = new CompositeLocator(List.of(locator), Clock.systemUTC());
        LocatorHealthCheck health = new LocatorHealthCheck(composite, locator.name());

        assertThat(urls(composite.locate())).containsExactly("http://a:9090");
        String skipped = "2 lines skipped, first: line 3: 'prom-b:9090' is not an http(s) URL";
        assertThat(composite.states().get(0).warning()).startsWith(skipped);
        assertThat(composite.states().get(0).errors()).isZero();
        HealthCheck.Result partly = health.execute();
        assertThat(partly.isHealthy()).isTrue();
        assertThat(partly.getMessage()).startsWith("found 1 endpoint(s) at ").contains("; " + skipped);

        Files.writeString(file, "prom-b:9090\n");
        assertThat(composite.locate()).isEmpty();
        HealthCheck.Result none = health.execute();
        assertThat(none.isHealthy()).as("every URL line is bad").isFalse();
        assertThat(none.getMessage()).isEqualTo("1 line skipped: line 1: 'prom-b:9090' is not an http(s) URL"
                + " (expected e.g. http://host:9090), and no endpoint found");

        Files.writeString(file, "http://a:9090\n");
        composite.locate();
        assertThat(composite.states().get(0).warning()).isNull();
        assertThat(health.execute().getMessage()).doesNotContain("skipped");
    }

    @Test
    void aUtf16FileIsRefusedAsAWholeAndTheLastGoodListKept() throws Exception {
        Path file = dir.resolve("endpoints");
        Files.writeString(file, "http://a:9090\n");
        FileLocator locator = new FileLocator(file);
        CompositeLocator composite = new CompositeLocator(List.of(locator), Clock.systemUTC());
        assertThat(urls(composite.locate())).containsExactly("http://a:9090");

        List<byte[]> utf16 = List.of(
                "\uFEFFhttp://b:9090\n".getBytes(StandardCharsets.UTF_16BE),
                "\uFEFFhttp://b:9090\n".getBytes(StandardCharsets.UTF_16LE),
                "http://b:9090\n".getBytes(StandardCharsets.UTF_16LE), // no byte-order mark: NUL bytes
                "http://b:9090\n\0".getBytes(StandardCharsets.UTF_8));
        for (byte[] bytes : utf16) {
            Files.write(file, bytes);
            assertThatThrownBy(locator::locate).isInstanceOf(DiscoveryException.class)
                    .hasMessage("cannot read endpoints file " + file + ": it is UTF-16 (or has NUL bytes);"
                            + " save it as UTF-8");
            assertThat(urls(composite.locate())).containsExactly("http://a:9090");
            assertThat(composite.states().get(0).lastError()).contains("UTF-16").doesNotContain("\0");
        }
    }

    @Test
    void aFileThatIsADirectoryIsReportedNotACrash() {
        assertThatThrownBy(() -> new FileLocator(dir).locate())
                .isInstanceOf(DiscoveryException.class)
                .hasMessage("cannot read endpoints file " + dir + ": not a regular file");
    }

    @Test
    void aByteOrderMarkIsIgnoredAndALineThatIsNotUtf8IsSkippedWithItsNumber() throws Exception {
        Path file = dir.resolve("endpoints");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}); // what Notepad writes first
        bytes.write("http://a:9090\r\n# caf".getBytes(StandardCharsets.US_ASCII));
        bytes.write(0xE9); // Latin-1, in a comment: ignored like the rest of it
        bytes.write("\r\nhttp://b".getBytes(StandardCharsets.US_ASCII));
        bytes.write(0xE9); // Latin-1, in a URL
        bytes.write(":9090\nhttp://c:9090\n".getBytes(StandardCharsets.US_ASCII));
        Files.write(file, bytes.toByteArray());

        assertThat(urls(new FileLocator(file).locate())).containsExactly("http://a:9090", "http://c:9090");
        FileLocator.Parsed parsed = FileLocator.parse("eps", FileLocator.read(file), "f");
        assertThat(parsed.problems()).containsExactly("eps:3: skipped: the line is not UTF-8 text");
    }

    @Test
    void aFifoIsRefusedInsteadOfBlockingTheSelection() throws Exception {
        Path fifo = dir.resolve("endpoints");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor()).isZero();
        // Opened for reading, a FIFO blocks until a writer comes: a hang here fails the test, not the build.
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatThrownBy(() -> new FileLocator(fifo).locate())
                .isInstanceOf(DiscoveryException.class)
                .hasMessage("cannot read endpoints file " + fifo + ": not a regular file"));
    }

    @Test
    void aFileTooLargeToBeAnEndpointsFileIsRefused() throws Exception {
        Path file = dir.resolve("endpoints");
        Files.write(file, new byte[FileLocator.MAX_BYTES + 1]);
        assertThatThrownBy(() -> new FileLocator(file).locate())
                .isInstanceOf(DiscoveryException.class)
                .hasMessage("cannot read endpoints file " + file + ": larger than 1 MiB; is it the endpoints file?");
        String justBelow = "http://a:9090\n" + "#".repeat(FileLocator.MAX_BYTES - 20);
        Files.write(file, justBelow.getBytes(StandardCharsets.UTF_8));
        assertThat(urls(new FileLocator(file).locate())).containsExactly("http://a:9090");
    }
}
