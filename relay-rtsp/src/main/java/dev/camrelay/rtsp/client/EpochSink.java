package dev.camrelay.rtsp.client;

import dev.camrelay.core.buffer.StreamBuffer;
import dev.camrelay.core.ingest.IngestSink;
import dev.camrelay.rtsp.depacketize.AccessUnitSink;
import dev.camrelay.rtsp.sdp.MediaDescription;
import dev.camrelay.rtsp.sdp.SdpTrackFormats;
import java.util.List;
import java.util.function.IntConsumer;
import org.agrona.DirectBuffer;

/**
 * Threading: confined to the session's event loop, which becomes the single writer of every buffer it opens.
 *
 * <p>Publishes a session's access units into the camera's current {@link StreamBuffer}: {@link #start} opens a new
 * epoch on the {@link IngestSink} from the tracks set up; access units that arrive before (RTP may precede the
 * PLAY reply, scottlamb/retina#46) are dropped and counted; {@link #stop} seals the epoch. The video track's GOP
 * (frames from one keyframe to the next) is handed to the GOP listener whenever it changes, for the cameras API.
 */
public final class EpochSink implements AccessUnitSink, PullSessionListener {

    private final IngestSink ingest;
    private final IntConsumer gopListener;
    private StreamBuffer buffer;
    private int videoTrack = -1;
    private int sinceKeyframe = -1;
    private int gop;
    private long droppedBeforeStart;
    private long rejected;
    /** The arrival time of the packet being depacketized now, from {@link #arrivedAt}; 0 before the first. */
    private long arrivalNanos;

    public EpochSink(IngestSink ingest) {
        this(ingest, frames -> {
        });
    }

    /** @param gopListener called on the session's loop with the video GOP in frames when it changes */
    public EpochSink(IngestSink ingest, IntConsumer gopListener) {
        this.ingest = ingest;
        this.gopListener = gopListener;
    }

    @Override
    public void onAccessUnit(int track, long pts, long dts, boolean keyframe, DirectBuffer src, int offset,
                             int length) {
        StreamBuffer b = buffer;
        if (b == null) {
            droppedBeforeStart++;
            return;
        }
        long arrival = arrivalNanos != 0 ? arrivalNanos : System.nanoTime();
        if (b.publish(track, pts, dts, keyframe, src, offset, length, arrival) < 0) {
            rejected++;
        }
        if (track == videoTrack) {
            countGop(keyframe);
        }
    }

    @Override
    public void arrivedAt(long nowNanos) {
        arrivalNanos = nowNanos;
    }

    private void countGop(boolean keyframe) {
        if (keyframe) {
            if (sinceKeyframe > 0 && sinceKeyframe != gop) {
                gop = sinceKeyframe;
                gopListener.accept(gop);
            }
            sinceKeyframe = 1;
        } else if (sinceKeyframe > 0) {
            sinceKeyframe++;
        }
    }

    /** Opens the epoch: the tracks are the session's, in its track order. */
    public void start(List<MediaDescription> tracks) {
        buffer = ingest.startEpoch(SdpTrackFormats.ofTracks(tracks));
        videoTrack = -1;
        for (int i = 0; i < tracks.size() && videoTrack < 0; i++) {
            videoTrack = tracks.get(i).mediaType().equals("video") ? i : -1;
        }
        sinceKeyframe = -1;
    }

    /** Ends the epoch. */
    public void stop(String reason, boolean willRetry) {
        buffer = null;
        ingest.stopped(reason, willRetry);
    }

    @Override
    public void onPlaying(List<MediaDescription> tracks) {
        start(tracks);
    }

    @Override
    public void onFailed(String reason) {
        stop(reason, true);
    }

    public long droppedBeforeStart() {
        return droppedBeforeStart;
    }

    /** Frames the buffer refused (too large for it, or sealed). */
    public long rejected() {
        return rejected;
    }
}
