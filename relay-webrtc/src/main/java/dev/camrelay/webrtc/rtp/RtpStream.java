package dev.camrelay.webrtc.rtp;

import static dev.camrelay.webrtc.rtp.RtpDescriptor.HEADER_LENGTH;
import static dev.camrelay.webrtc.rtp.RtpDescriptor.MARKER_BIT;
import static dev.camrelay.webrtc.rtp.RtpDescriptor.MARKER_PT_OFFSET;
import static dev.camrelay.webrtc.rtp.RtpDescriptor.SEQUENCE_OFFSET;
import static dev.camrelay.webrtc.rtp.RtpDescriptor.SSRC_OFFSET;
import static dev.camrelay.webrtc.rtp.RtpDescriptor.TIMESTAMP_OFFSET;
import static dev.camrelay.webrtc.rtp.RtpDescriptor.VERSION_BITS;
import static java.nio.ByteOrder.BIG_ENDIAN;

import java.util.concurrent.TimeUnit;
import org.agrona.MutableDirectBuffer;

/**
 * Single-threaded: owned by the packetizer of one outgoing SSRC.
 *
 * <p>One outgoing RTP stream (RFC 3550 §5.1), what every packetizer shares: its SSRC and payload type, the sequence
 * number of the next packet (random at first, then +1 per packet, never reset), and an RTP clock kept continuous
 * across stream epochs. The first frame maps its presentation time onto the random initial timestamp; the first
 * frame of a new epoch (a camera reconnect, whose presentation times restart) maps onto the latest timestamp advanced
 * by the wall time since the previous frame (protocols.md 7.2; JVB rewrites its projected streams the same way), so
 * a player sees one stream with a pause, never a jump back. Allocates nothing.
 */
final class RtpStream {

    private final int ssrc;
    private final int payloadType;
    private final int clockRate;
    private int sequence;
    private int latestTimestamp;
    private long timestampOffset;
    private long epoch;
    private long lastFrameNanos;
    private boolean started;

    /**
     * @param clockRate        the RTP clock (90 kHz video, the track's rate for audio)
     * @param initialSequence  random first sequence number (RFC 3550 §5.1)
     * @param initialTimestamp random first timestamp (RFC 3550 §5.1)
     */
    RtpStream(int ssrc, int payloadType, int clockRate, int initialSequence, int initialTimestamp) {
        if (payloadType < 0 || payloadType > 127 || clockRate <= 0) {
            throw new IllegalArgumentException("payload type " + payloadType + ", clock " + clockRate);
        }
        this.ssrc = ssrc;
        this.payloadType = payloadType;
        this.clockRate = clockRate;
        this.sequence = initialSequence & 0xFFFF;
        this.latestTimestamp = initialTimestamp;
    }

    /** True for the stream's first frame and for the first frame of an epoch other than the previous frame's. */
    boolean startsNewEpoch(long frameEpoch) {
        return !started || frameEpoch != epoch;
    }

    /**
     * The RTP timestamp of a frame about to be sent, rebasing the clock first when it {@link #startsNewEpoch}; it
     * becomes the latest timestamp.
     *
     * @param pts      presentation time in the clock's units, within {@code frameEpoch}
     * @param nowNanos monotonic time now
     */
    int frameTimestamp(long pts, long frameEpoch, long nowNanos) {
        if (!started) {
            timestampOffset = (latestTimestamp & 0xFFFF_FFFFL) - pts;
            started = true;
        } else if (frameEpoch != epoch) {
            long elapsed = Math.max(1, TimeUnit.NANOSECONDS.toMicros(nowNanos - lastFrameNanos) * clockRate
                    / 1_000_000);
            timestampOffset = (latestTimestamp & 0xFFFF_FFFFL) + elapsed - pts;
        }
        epoch = frameEpoch;
        lastFrameNanos = nowNanos;
        latestTimestamp = (int) (pts + timestampOffset);
        return latestTimestamp;
    }

    /** A packet of the latest frame ends later than its start (G.711: one tick per sample). */
    void advanceTo(int timestamp) {
        latestTimestamp = timestamp;
    }

    /** The latest timestamp sent (what a sender report extrapolates from). */
    int latestTimestamp() {
        return latestTimestamp;
    }

    int clockRate() {
        return clockRate;
    }

    /** The sequence number the next packet gets. */
    int nextSequence() {
        return sequence;
    }

    /**
     * Writes the fixed 12-byte RTP header (RFC 3550 §5.1; no CSRCs, no extension) of the next packet and takes its
     * sequence number.
     *
     * @return {@link RtpDescriptor#HEADER_LENGTH}
     */
    int writeHeader(MutableDirectBuffer out, int offset, boolean marker, int timestamp) {
        out.putByte(offset, (byte) VERSION_BITS);
        out.putByte(offset + MARKER_PT_OFFSET, (byte) ((marker ? MARKER_BIT : 0) | payloadType));
        out.putShort(offset + SEQUENCE_OFFSET, (short) sequence, BIG_ENDIAN);
        out.putInt(offset + TIMESTAMP_OFFSET, timestamp, BIG_ENDIAN);
        out.putInt(offset + SSRC_OFFSET, ssrc, BIG_ENDIAN);
        sequence = (sequence + 1) & 0xFFFF;
        return HEADER_LENGTH;
    }
}
