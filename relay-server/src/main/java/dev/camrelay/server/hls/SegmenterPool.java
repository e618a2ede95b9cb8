package dev.camrelay.server.hls;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.agrona.concurrent.Agent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HLS segmenters of every camera, run one after another by one Agrona agent on its own thread (never a Netty
 * event loop): each duty cycle gives each stream at most {@link HlsStream#MAX_FRAMES_PER_WORK} frames.
 *
 * <p><b>Threading contract:</b> {@link #add} from any thread (a lock-free hand-over queue); everything else runs on
 * the agent's thread, which alone owns the list of streams. A stream that is done is dropped and reported to the
 * {@code onDone} callback on that thread.
 */
final class SegmenterPool implements Agent {

    private static final Logger LOG = LoggerFactory.getLogger(SegmenterPool.class);

    private final ConcurrentLinkedQueue<HlsStream> added = new ConcurrentLinkedQueue<>();
    private final List<HlsStream> streams = new ArrayList<>();
    private final Consumer<HlsStream> onDone;

    SegmenterPool(Consumer<HlsStream> onDone) {
        this.onDone = onDone;
    }

    void add(HlsStream stream) {
        added.add(stream);
    }

    @Override
    public int doWork() {
        int work = 0;
        for (HlsStream s; (s = added.poll()) != null; ) {
            streams.add(s);
            work++;
        }
        for (int i = streams.size() - 1; i >= 0; i--) {
            HlsStream s = streams.get(i);
            try {
                work += s.doWork();
            } catch (RuntimeException e) {
                // One camera's bad input must not stop the others' segmenting (architecture.md section 7).
                LOG.error("camera {}: HLS segmenter failed; ending its HLS stream", s.cameraId(), e);
                s.onClose();
                streams.remove(i);
                onDone.accept(s);
                continue;
            }
            if (s.isDone()) {
                s.onClose();
                streams.remove(i);
                onDone.accept(s);
            }
        }
        return work;
    }

    @Override
    public void onClose() {
        for (HlsStream s : streams) {
            s.onClose();
        }
        streams.clear();
    }

    @Override
    public String roleName() {
        return "hls-segmenters";
    }
}
