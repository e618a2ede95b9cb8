package dev.camrelay.server;

import dev.camrelay.core.buffer.FrameView;
import dev.camrelay.core.buffer.StreamReader;
import dev.camrelay.core.codec.h264.SeiCameraTag;
import dev.camrelay.core.media.StreamKey;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads one camera's current stream the way an egress stage does ({@code SessionRegistry.openStreamReader}), from the
 * moment it is live until the epoch ends, on its own thread, and keeps what the tests check of each video access
 * unit: pts, keyframe flag and the camera tag in its SEI; of audio units their pts.
 */
final class StreamCollector implements AutoCloseable {

    /** One video access unit as read from the buffer. */
    record Unit(long pts, boolean keyframe, String tag, long epoch) {
    }

    private static final long PAUSE_NANOS = 200_000;

    private final Relay relay;
    private final String cameraId;
    private final List<Unit> video = new CopyOnWriteArrayList<>();
    private final List<Unit> audio = new CopyOnWriteArrayList<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean stop;
    private volatile long epochsRead;
    private long lastEpoch = -1;

    StreamCollector(Relay relay, String cameraId) {
        this.relay = relay;
        this.cameraId = cameraId;
        this.thread = Thread.ofPlatform().daemon().name("collect-" + cameraId).start(this::run);
    }

    private void run() {
        while (!stop) {
            Optional<StreamReader> opened = relay.sessions().openStreamReader(cameraId, StreamKey.SOURCE_RENDITION);
            if (opened.isEmpty()) {
                LockSupport.parkNanos(PAUSE_NANOS);
                continue;
            }
            try (StreamReader reader = opened.get()) {
                long epoch = reader.expectedKey().epoch();
                if (epoch == lastEpoch) {
                    LockSupport.parkNanos(PAUSE_NANOS); // the ended epoch, until the camera drops it
                    continue;
                }
                lastEpoch = epoch;
                epochsRead++;
                int videoTrack = relay.cameras().find(cameraId).flatMap(c -> c.format())
                        .flatMap(f -> f.video()).map(t -> t.trackId()).orElse(0);
                while (!stop) {
                    int r = reader.poll();
                    if (r == StreamReader.FRAME) {
                        FrameView f = reader.frame();
                        if (f.track() == videoTrack) {
                            String tag = SeiCameraTag.findInAvcc(f.payloadBytes()).orElse("");
                            video.add(new Unit(f.pts(), f.isKeyframe(), tag, epoch));
                        } else {
                            audio.add(new Unit(f.pts(), f.isKeyframe(), "", epoch));
                        }
                    } else if (r == StreamReader.NOTHING) {
                        LockSupport.parkNanos(PAUSE_NANOS);
                    } else {
                        if (r == StreamReader.CLOSED) {
                            problems.add("reader closed (isolation alarm?) in epoch " + epoch);
                        }
                        break;
                    }
                }
            }
        }
    }

    List<Unit> video() {
        return List.copyOf(video);
    }

    List<Unit> video(long epoch) {
        return video.stream().filter(u -> u.epoch() == epoch).toList();
    }

    /** The audio units (any track but the video one) read in {@code epoch}. */
    List<Unit> audio(long epoch) {
        return audio.stream().filter(u -> u.epoch() == epoch).toList();
    }

    /**
     * Waits until {@code epoch} holds {@code frames} video units, or none arrived for {@code quiet} (the source
     * ended), at most {@code within}.
     */
    void awaitVideo(long epoch, int frames, java.time.Duration quiet, java.time.Duration within)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        int last = -1;
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            int n = video(epoch).size();
            if (n >= frames) {
                return;
            }
            if (n != last) {
                last = n;
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince > quiet.toNanos()) {
                return;
            }
            Thread.sleep(50);
        }
    }

    List<String> problems() {
        return List.copyOf(problems);
    }

    long epochsRead() {
        return epochsRead;
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(5000);
    }
}
