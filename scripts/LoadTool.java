import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop load: CONNECTIONS clients each send one GET after another, and every request's outcome and latency
 * is kept (no sampling). After a warm-up of 3 s that is not counted, it measures for SECONDS and, when asked, sends
 * SIGNAL to PID a third of the way in (itself, so the moment does not depend on how long this JVM took to start).
 * A failure is any answer but 200, or any exception; a client gives up on a request after 30 s. Prints one line:
 * requests failures p50_ms p99_ms max_ms, then the slowest requests with when they started, relative to the signal.
 *
 *   java scripts/LoadTool.java URL CONNECTIONS SECONDS [SIGNAL PID]
 */
public class LoadTool {

    public static void main(String[] args) throws Exception {
        if (args.length != 3 && args.length != 5) {
            System.err.println("usage: java LoadTool.java URL CONNECTIONS SECONDS [SIGNAL PID]");
            System.exit(2);
        }
        URI uri = URI.create(args[0]);
        int connections = Integer.parseInt(args[1]);
        long runNanos = Duration.ofSeconds(Long.parseLong(args[2])).toNanos();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build();
        long warmUp = Duration.ofSeconds(3).toNanos();
        long start = System.nanoTime() + warmUp;
        AtomicLong failures = new AtomicLong();
        List<String> failureSamples = java.util.Collections.synchronizedList(new ArrayList<>());
        List<long[]>[] perThread = new List[connections];
        Thread[] threads = new Thread[connections];
        for (int i = 0; i < connections; i++) {
            List<long[]> mine = new ArrayList<>();
            perThread[i] = mine;
            threads[i] = new Thread(() -> {
                while (System.nanoTime() - start < runNanos) {
                    long t0 = System.nanoTime();
                    boolean counted = t0 >= start;
                    try {
                        HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                        if (r.statusCode() != 200 && counted) {
                            failures.incrementAndGet();
                            if (failureSamples.size() < 5) {
                                failureSamples.add(r.statusCode() + " " + new String(r.body()));
                            }
                        }
                    } catch (Exception e) {
                        if (!counted) {
                            continue;
                        }
                        failures.incrementAndGet();
                        if (failureSamples.size() < 5) {
                            failureSamples.add(e.toString());
                        }
                    }
                    long t1 = System.nanoTime();
                    if (counted) {
                        mine.add(new long[] {t0 - start, t1 - t0});
                    }
                }
            });
            threads[i].start();
        }
        long signalled = runNanos / 3;
        if (args.length == 5) {
            Thread.sleep(Math.max(0, (start + signalled - System.nanoTime()) / 1_000_000));
            int rc = new ProcessBuilder("kill", "-" + args[3], args[4]).inheritIO().start().waitFor();
            if (rc != 0) {
                System.err.println("kill -" + args[3] + " " + args[4] + " failed: " + rc);
                System.exit(1);
            }
        }
        for (Thread t : threads) {
            t.join();
        }
        List<long[]> all = new ArrayList<>();
        for (List<long[]> l : perThread) {
            all.addAll(l);
        }
        long[] latencies = all.stream().mapToLong(a -> a[1]).sorted().toArray();
        System.out.printf("%d %d %.2f %.2f %.2f%n", latencies.length, failures.get(), ms(pct(latencies, 50)),
                ms(pct(latencies, 99)), ms(latencies.length == 0 ? 0 : latencies[latencies.length - 1]));
        all.sort((a, b) -> Long.compare(b[1], a[1]));
        for (long[] slow : all.subList(0, Math.min(10, all.size()))) {
            System.out.printf("slow: started %+.3fs from the signal, took %.2f ms%n", (slow[0] - signalled) / 1e9,
                    ms(slow[1]));
        }
        for (String f : failureSamples) {
            System.out.println("failure: " + f);
        }
        System.exit(0);
    }

    private static long pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
