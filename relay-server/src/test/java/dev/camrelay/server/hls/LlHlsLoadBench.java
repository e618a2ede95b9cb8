package dev.camrelay.server.hls;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.junit.jupiter.api.Test;

/**
 * LL-HLS load client: N players against the in-process relay's demo camera, each doing what hls.js does at the live
 * edge: a blocking reload for the next part ({@code _HLS_msn}/{@code _HLS_part}), then a fetch of that part. Reports
 * part-published to playlist-response latency (the relay's publish time of the awaited part, read in-process, to
 * the client's receipt of the playlist that lists it), p50/p99/max, for each N.
 *
 * <p>Not part of the suite (its name does not end in Test). Run:
 * {@code ./mvnw -B -q -pl relay-server -am verify -Djcstress.skip -Dtest=LlHlsLoadBench
 * -Dsurefire.failIfNoSpecifiedTests=false -Dhls.load.players=1,100,1000 -Dhls.load.seconds=10}
 */
class LlHlsLoadBench {

    private static final Pattern PART_URI = Pattern.compile("^#EXT-X-PART:.*URI=\"part-(\\d+)-(\\d+)\\.m4s\"");

    @Test
    void partPublishedToPlaylistResponseLatency() throws Exception {
        String[] counts = System.getProperty("hls.load.players", "1,100,1000").split(",");
        int seconds = Integer.getInteger("hls.load.seconds", 10);
        try (HlsTestRig rig = new HlsTestRig(Map.of("RELAY_MAX_SESSIONS_PER_CAMERA", "10000"))) {
            HlsStream stream = rig.relay.cameras().find("demo").isPresent() ? awaitStream(rig) : null;
            assertThat(stream).isNotNull();
            for (String c : counts) {
                run(rig, stream, Integer.parseInt(c.strip()), seconds);
            }
        }
    }

    private static HlsStream awaitStream(HlsTestRig rig) throws Exception {
        String media = rig.mediaPlaylistUrl(rig.session("demo", 3600).path("hlsUrl").asText());
        assertThat(rig.get(media).statusCode()).isEqualTo(200);
        return HlsStreamsAccess.stream(rig.relay, "demo");
    }

    private static void run(HlsTestRig rig, HlsStream stream, int players, int seconds) throws Exception {
        List<String> playlists = new ArrayList<>();
        for (int i = 0; i < players; i++) {
            playlists.add(rig.mediaPlaylistUrl(rig.session("demo", 3600).path("hlsUrl").asText()));
        }
        Recorder latency = new Recorder(3);
        AtomicLong errors = new AtomicLong();
        AtomicLong requests = new AtomicLong();
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        CountDownLatch done = new CountDownLatch(players);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String url : playlists) {
                threads.execute(() -> {
                    try {
                        play(http, url, stream, latency, measuring, stop, requests, errors);
                    } finally {
                        done.countDown();
                    }
                });
            }
            Thread.sleep(3000); // every player reaches the live edge
            latency.reset();
            measuring.set(true);
            long r0 = requests.get();
            Thread.sleep(seconds * 1000L);
            Histogram h = latency.getIntervalHistogram();
            long reqs = requests.get() - r0;
            stop.set(true);
            done.await(20, TimeUnit.SECONDS);
            System.out.printf("LL-HLS load: N=%d players, %d s: %d blocking reloads answered (%.0f/s), "
                    + "part-published -> playlist-response latency p50 %.2f ms, p99 %.2f ms, max %.2f ms; "
                    + "errors %d%n", players, seconds, h.getTotalCount(), reqs / (double) seconds,
                    h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6, h.getMaxValue() / 1e6,
                    errors.get());
            threads.shutdownNow();
        }
    }

    /** One player at the live edge: block for the next part, record the latency, fetch the part, repeat. */
    private static void play(HttpClient http, String url, HlsStream stream, Recorder latency,
                             AtomicBoolean measuring, AtomicBoolean stop, AtomicLong requests, AtomicLong errors) {
        long[] edge = null;
        while (!stop.get()) {
            try {
                String query = edge == null ? "" : "?_HLS_msn=" + edge[0] + "&_HLS_part=" + (edge[1] + 1);
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + query))
                        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
                long received = System.nanoTime();
                requests.incrementAndGet();
                if (r.statusCode() != 200) {
                    errors.incrementAndGet();
                    edge = null;
                    continue;
                }
                long[] next = lastPart(r.body());
                if (edge != null && measuring.get()) {
                    // the awaited part is the one after the previous edge: its stream-wide number is edge[2] + 1
                    long published = stream.partPublishedNanos(edge[2] + 1);
                    if (published > 0 && received >= published) {
                        latency.recordValue(received - published);
                    }
                }
                edge = next;
                HttpResponse<byte[]> part = http.send(HttpRequest.newBuilder(URI.create(url.replace("index.m3u8",
                        "part-" + edge[3] + "-" + edge[2] + ".m4s"))).timeout(Duration.ofSeconds(20)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                if (part.statusCode() != 200) {
                    errors.incrementAndGet();
                }
            } catch (Exception e) {
                if (!stop.get()) {
                    errors.incrementAndGet();
                }
                edge = null;
            }
        }
    }

    /** (msn, part index, stream-wide part number, epoch) of the last part listed. */
    private static long[] lastPart(String playlist) {
        long[] last = null;
        long msn = 0;
        int index = 0;
        for (String line : playlist.split("\n")) {
            Matcher m = PART_URI.matcher(line);
            if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
                msn = Long.parseLong(line.substring(line.indexOf(':') + 1));
            } else if (m.find()) {
                last = new long[] {msn, index++, Long.parseLong(m.group(2)), Long.parseLong(m.group(1))};
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
}
