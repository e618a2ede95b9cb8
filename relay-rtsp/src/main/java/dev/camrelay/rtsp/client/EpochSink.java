package dev.camrelay.rtsp.client;

import dev.camrelay.core.buffer.StreamBuffer;
import dev.camrelay.core.ingest.IngestSink;
import dev.camrelay.rtsp.depacketize.AccessUnitSink;
import dev.camrelay.rtsp.sdp.MediaDescription;
import dev.camrelay.rtsp.sdp.SdpTrackFormats;
import java.util.List;
import org.agrona.DirectBuffer;

/**
 * Threading: confined to the session's event loop, which becomes the single writer of every buffer it opens.
 *
 * <p>Publishes a session's access units into the camera's current {@link StreamBuffer}: {@link #start} opens a new
 * epoch on the {@link IngestSink} from the tracks set up; access units that arrive before (RTP may precede the
 * PLAY reply, scottlamb/retina#46) are dropped and counted; {@link #stop} seals the epoch.
 */
public final class EpochSink implements AccessUnitSink, RtspPullSession.Listener {

    private final IngestSink ingest;
    private StreamBuffer buffer;
    private long droppedBeforeStart;
    private long rejected;

    public EpochSink(IngestSink ingest) {
        this.ingest = ingest;
    }

    @Override
    public void onAccessUnit(int track, long pts, long dts, boolean keyframe, DirectBuffer src, int offset,
                             int length) {
        StreamBuffer b = buffer;
        if (b == null) {
            droppedBeforeStart++;
            return;
        }
        if (b.publish(track, pts, dts, keyframe, src, offset, length) < 0) {
            rejected++;
        }
    }

    /** Opens the epoch: the tracks are the session's, in its track order. */
    public void start(List<MediaDescription> tracks) {
        buffer = ingest.startEpoch(SdpTrackFormats.ofTracks(tracks));
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
