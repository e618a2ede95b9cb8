package dev.camrelay.server.webrtc;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camrelay.webrtc.dtls.SrtpProfile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The WebRTC load generator (issue 5 §8), run as a JVM of its own so it shares neither heap nor threads with the
 * relay: N {@link WhepTestClient}s, each a real WHEP peer with its own viewer session (ICE, DTLS-SRTP, H.264
 * reassembly, SEI tags), play one camera. Prints {@code CONNECTED} when every viewer has its keys, then receives for
 * the given seconds and prints one {@code RESULT} line: frames per viewer, lost packets, broken frames, foreign
 * tags, and first-frame times (from the WHEP answer to the first whole access unit). Not a test; started by
 * {@code scripts/webrtc-load.sh}. Every wait is bounded.
 *
 * <p>usage: {@code WhepLoadClient <baseUrl> <adminKey> <camera> <tag> <viewers> <seconds>}
 */
public final class WhepLoadClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private WhepLoadClient() {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String adminKey = args[1];
        String camera = args[2];
        String tag = args[3];
        int viewers = Integer.parseInt(args[4]);
        int seconds = Integer.parseInt(args[5]);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        List<WhepTestClient> clients = new ArrayList<>();
        long[] answered = new long[viewers];
        AtomicLong end = new AtomicLong(Long.MAX_VALUE);
        ExecutorService connect = Executors.newFixedThreadPool(4);
        ExecutorService receive = Executors.newVirtualThreadPerTaskExecutor();
        List<Future<?>> pending = new ArrayList<>();
        List<Future<?>> running = new ArrayList<>();
        try {
            for (int i = 0; i < viewers; i++) {
                String token = session(http, base, adminKey, camera);
                WhepTestClient c = new WhepTestClient();
                clients.add(c);
                int index = i;
                pending.add(connect.submit(() -> {
                    HttpResponse<String> r = c.post(base, camera, token);
                    if (r.statusCode() != 201) {
                        throw new IllegalStateException("WHEP POST " + r.statusCode() + ": " + r.body());
                    }
                    answered[index] = System.nanoTime();
                    c.connect(SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES128_CM_HMAC_SHA1_80); // as Chrome offers
                    // Plays from now on, on a thread of its own, so its first frame is timed as it arrives.
                    synchronized (running) {
                        running.add(receive.submit(() -> playUntil(c, end)));
                    }
                    return null;
                }));
            }
            for (Future<?> f : pending) {
                f.get(120, TimeUnit.SECONDS);
            }
            end.set(System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds));
            // Read across threads without a lock: a statistic, off by a frame at most.
            int[] atStart = clients.stream().mapToInt(c -> c.media.frames).toArray();
            System.out.println("CONNECTED " + viewers);
            System.out.flush();
            synchronized (running) {
                for (Future<?> f : running) {
                    f.get(seconds + 30L, TimeUnit.SECONDS);
                }
            }
            System.out.println("RESULT " + JSON.writeValueAsString(summary(clients, answered, atStart, tag, seconds)));
        } finally {
            connect.shutdownNow();
            receive.shutdownNow();
            clients.forEach(WhepTestClient::close);
        }
    }

    private static Void playUntil(WhepTestClient c, AtomicLong end) throws Exception {
        while (System.nanoTime() < end.get()) {
            c.receiveFor(Duration.ofMillis(200));
        }
        return null;
    }

    private static Map<String, Object> summary(List<WhepTestClient> clients, long[] answered, int[] atStart,
                                               String tag, int seconds) {
        int n = clients.size();
        long[] frames = new long[n];
        double[] firstFrameMillis = new double[n];
        long lost = 0;
        long broken = 0;
        long foreign = 0;
        long untagged = 0;
        for (int i = 0; i < n; i++) {
            AccessUnitAssembler m = clients.get(i).media;
            frames[i] = m.frames - atStart[i];
            firstFrameMillis[i] = m.firstFrameNanos == 0 ? -1 : (m.firstFrameNanos - answered[i]) / 1e6;
            lost += m.lostPackets;
            broken += m.brokenFrames;
            untagged += m.untaggedFrames;
            foreign += m.framesByTag.entrySet().stream().filter(e -> !e.getKey().equals(tag))
                    .mapToLong(Map.Entry::getValue).sum();
        }
        long[] sortedFrames = frames.clone();
        Arrays.sort(sortedFrames);
        double[] first = firstFrameMillis.clone();
        Arrays.sort(first);
        Map<String, Object> out = new TreeMap<>();
        out.put("viewers", n);
        out.put("windowFramesTotal", Arrays.stream(frames).sum());
        out.put("framesPerViewerMin", sortedFrames[0]);
        out.put("framesPerViewerMedian", sortedFrames[n / 2]);
        out.put("seconds", seconds);
        out.put("lostPackets", lost);
        out.put("brokenFrames", broken);
        out.put("foreignFrames", foreign);
        out.put("untaggedFrames", untagged);
        out.put("firstFrameMillisMedian", first[n / 2]);
        out.put("firstFrameMillisP95", first[Math.min(n - 1, (int) Math.ceil(n * 0.95) - 1)]);
        out.put("firstFrameMillisMax", first[n - 1]);
        return out;
    }

    private static String session(HttpClient http, String base, String adminKey, String camera) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/cameras/" + camera
                        + "/sessions")).timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + adminKey)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"protocol\": \"webrtc\", \"ttlSeconds\": 3600, \"viewer\": \"load\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("session: " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body()).path("token").asText();
    }
}
