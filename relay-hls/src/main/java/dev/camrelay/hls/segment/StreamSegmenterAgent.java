package dev.camrelay.hls.segment;

import dev.camrelay.core.buffer.StreamReader;
import org.agrona.concurrent.Agent;

/**
 * Moves one stream's frames from its {@link StreamReader} into its {@link StreamSegmenter}, a bounded number per
 * duty cycle, as an Agrona {@link Agent} so it can run on any {@code AgentRunner} with an idle strategy.
 *
 * <p><b>Threading contract:</b> {@link #doWork()} is called by one thread, the agent's runner, which owns both the
 * reader and the segmenter; {@link #isDone()} may be read from any thread.
 *
 * <p>When the stream is sealed and drained, or the reader closes (its owner closed it, or an isolation violation
 * closed it: fail closed), the segmenter is ended so the playlist gets {@code EXT-X-ENDLIST} and nothing more is
 * stored; {@link #doWork()} then returns 0 for ever.
 */
public final class StreamSegmenterAgent implements Agent {

    /** Frames per duty cycle at most, so one busy stream cannot hold its thread for long. */
    static final int MAX_FRAMES_PER_WORK = 64;

    private final StreamReader reader;
    private final StreamSegmenter segmenter;
    private final String roleName;
    private volatile boolean done;
    /** The reader found the ring empty on its last poll: the next frame is read the moment it is published. */
    private boolean caughtUp;

    public StreamSegmenterAgent(StreamReader reader, StreamSegmenter segmenter) {
        this.reader = reader;
        this.segmenter = segmenter;
        this.roleName = "hls-segmenter-" + reader.expectedKey();
    }

    @Override
    public int doWork() {
        if (done) {
            return 0;
        }
        int work = 0;
        while (work < MAX_FRAMES_PER_WORK) {
            final int status = reader.poll();
            if (status == StreamReader.FRAME) {
                segmenter.onFrame(reader.frame(), caughtUp);
                caughtUp = false;
                work++;
            } else if (status == StreamReader.END_OF_STREAM || status == StreamReader.CLOSED) {
                segmenter.end();
                done = true;
                return work + 1;
            } else {
                caughtUp = true;
                break;
            }
        }
        return work;
    }

    @Override
    public void onClose() {
        reader.close();
    }

    @Override
    public String roleName() {
        return roleName;
    }

    public boolean isDone() {
        return done;
    }
}
