import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * LL-HLS load client, run as its own JVM by scripts/hls-load.sh (JDK single-file launch, no dependencies): N players,
 * each with its own viewer session, doing what hls.js does at the live edge: a blocking reload for the next part
 * ({@code _HLS_msn}/{@code _HLS_part}), then a fetch of that part, again and again.
 *
 * <p>Measured per blocked reload: from the moment the part it waits for was complete at the relay to the moment the
 * response announcing it is received here. That moment is the part's end on the media timeline dated by the
 * playlist's {@code EXT-X-PROGRAM-DATE-TIME}, which the relay takes from when the frame that closes the part arrived
 * (this machine's clock, as the client's). A reload sent only after that moment (the client itself was late) was not
 * blocked and is counted apart, not measured.
 *
 * <p>Usage: {@code java LlHlsLoadClient.java BASE ADMIN_KEY CAMERA PLAYERS SECONDS RELAY_PID}
 */
public final class LlHlsLoadClient {

    private static final Pattern PART = Pattern.compile("^#EXT-X-PART:DURATION=([0-9.]+),URI=\"part-(\\d+)-(\\d+)\\.m4s\"");
    private static final Pattern HLS_URL = Pattern.compile("\"hlsUrl\":\"([^\"]+)\"");
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final int WARMUP_SECONDS = 3;

    private LlHlsLoadClient() {
    }

    /** The last part listed: its segment's msn, its index there, its stream-wide number, epoch, end time (µs). */
    record Edge(long msn, int index, long number, long epoch, long endMicros) {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String adminKey = args[1];
        String camera = args[2];
        int players = Integer.parseInt(args[3]);
        int seconds = Integer.parseInt(args[4]);
        long relayPid = Long.parseLong(args[5]);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT)
                .build();
        List<String> playlists = new ArrayList<>();
        for (int i = 0; i < players; i++) {
            HttpResponse<String> s = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/cameras/" + camera
                            + "/sessions")).header("Authorization", "Bearer " + adminKey)
                    .header("Content-Type", "application/json").timeout(TIMEOUT)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"protocol\":\"hls\",\"ttlSeconds\":3600,"
                            + "\"viewer\":\"load-" + i + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher m = HLS_URL.matcher(s.body());
            if (s.statusCode() != 201 || !m.find()) {
                throw new IllegalStateException("session " + i + ": " + s.statusCode() + " " + s.body());
            }
            URI multivariant = URI.create(m.group(1));
            String text = http.send(HttpRequest.newBuilder(multivariant).timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            String media = text.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).findFirst().orElseThrow();
            playlists.add(multivariant.resolve(media).toString());
        }

        ConcurrentLinkedQueue<long[]> samples = new ConcurrentLinkedQueue<>();
        AtomicLong errors = new AtomicLong();
        AtomicLong late = new AtomicLong();
        AtomicLong parts = new AtomicLong();
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String url : playlists) {
                threads.execute(() -> play(http, url, samples, errors, late, parts, measuring, stop));
            }
            Thread.sleep(WARMUP_SECONDS * 1000L);
            long ticks0 = cpuTicks(relayPid);
            long wall0 = System.nanoTime();
            long errors0 = errors.get();
            long late0 = late.get();
            long parts0 = parts.get();
            measuring.set(true);
            Thread.sleep(seconds * 1000L);
            measuring.set(false);
            long ticks1 = cpuTicks(relayPid);
            long wall1 = System.nanoTime();
            long[] micros = samples.stream().mapToLong(s -> s[0]).sorted().toArray();
            double cpu = (ticks1 - ticks0) * 100.0 / clockTicksPerSecond() / ((wall1 - wall0) / 1e9);
            System.out.printf("players=%d seconds=%d blocked_reloads=%d (%.0f/s) p50_ms=%.2f p99_ms=%.2f max_ms=%.2f"
                            + " late_reloads=%d parts=%d errors=%d relay_cpu_pct_of_one_core=%.1f%n", players,
                    seconds, micros.length, micros.length / (double) seconds, pct(micros, 50) / 1000.0,
                    pct(micros, 99) / 1000.0, micros.length == 0 ? 0 : micros[micros.length - 1] / 1000.0,
                    late.get() - late0, parts.get() - parts0, errors.get() - errors0, cpu);
            stop.set(true);
            threads.shutdownNow();
        }
    }

    private static void play(HttpClient http, String url, ConcurrentLinkedQueue<long[]> samples, AtomicLong errors,
                             AtomicLong late, AtomicLong parts, AtomicBoolean measuring, AtomicBoolean stop) {
        Edge edge = null;
        while (!stop.get()) {
            try {
                String query = edge == null ? "" : "?_HLS_msn=" + edge.msn() + "&_HLS_part=" + (edge.index() + 1);
                long sent = nowMicros();
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + query)).timeout(TIMEOUT)
                        .build(), HttpResponse.BodyHandlers.ofString());
                long received = nowMicros();
                if (r.statusCode() != 200) {
                    count(errors, measuring);
                    edge = null;
                    continue;
                }
                Edge next = lastPart(r.body());
                if (edge != null && measuring.get()) {
                    if (sent >= next.endMicros()) {
                        late.incrementAndGet(); // asked only once the part was there: not a blocked reload
                    } else {
                        samples.add(new long[] {received - next.endMicros()});
                    }
                }
                edge = next;
                HttpResponse<byte[]> part = http.send(HttpRequest.newBuilder(URI.create(url.replace("index.m3u8",
                        "part-" + edge.epoch() + "-" + edge.number() + ".m4s"))).timeout(TIMEOUT).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                if (part.statusCode() == 200) {
                    if (measuring.get()) {
                        parts.incrementAndGet();
                    }
                } else {
                    count(errors, measuring);
                }
            } catch (Exception e) {
                if (!stop.get()) {
                    count(errors, measuring);
                }
                edge = null;
            }
        }
    }

    private static void count(AtomicLong errors, AtomicBoolean measuring) {
        if (measuring.get()) {
            errors.incrementAndGet();
        }
    }

    /** The last part listed, with its end dated from its segment's EXT-X-PROGRAM-DATE-TIME. */
    static Edge lastPart(String playlist) {
        Edge last = null;
        long msn = 0;
        int index = 0;
        long segmentStartMicros = 0;
        long offsetMicros = 0;
        for (String line : playlist.split("\n")) {
            Matcher m = PART.matcher(line);
            if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
                msn = Long.parseLong(line.substring(line.indexOf(':') + 1));
            } else if (line.startsWith("#EXT-X-PROGRAM-DATE-TIME:")) {
                Instant t = Instant.parse(line.substring(line.indexOf(':') + 1));
                segmentStartMicros = t.getEpochSecond() * 1_000_000 + t.getNano() / 1000;
                offsetMicros = 0;
            } else if (m.find()) {
                offsetMicros += Math.round(Double.parseDouble(m.group(1)) * 1_000_000);
                last = new Edge(msn, index++, Long.parseLong(m.group(3)), Long.parseLong(m.group(2)),
                        segmentStartMicros + offsetMicros);
            } else if (!line.startsWith("#") && !line.isBlank()) {
                msn++;
                index = 0;
            }
        }
        if (last == null) {
            throw new IllegalStateException("no part in playlist");
        }
        return last;
    }

    private static long nowMicros() {
        Instant t = Instant.now();
        return t.getEpochSecond() * 1_000_000 + t.getNano() / 1000;
    }

    private static double pct(long[] sorted, int p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * p / 100.0) - 1)];
    }

    /** utime + stime of the relay's JVM, in clock ticks (/proc/PID/stat fields 14 and 15). */
    private static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static long clockTicksPerSecond() {
        return Long.getLong("clk.tck", 100); // USER_HZ; the script passes getconf CLK_TCK
    }
}
