package dev.camrelay.webrtc.rtp;

import static dev.camrelay.webrtc.rtp.RtpDescriptor.HEADER_LENGTH;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Single-threaded: owned by the one sender of an outgoing audio SSRC.
 *
 * <p>Passes camera audio frames through as RTP: an Opus packet as it is, one per RTP packet (RFC 7587 §4.2); G.711
 * (RFC 3551 §4.5.14, one byte per sample) split into packets of {@link #G711_PACKET_MILLIS} ms, each stamped with its
 * first sample's time. The RTP clock is the track's clock (48 kHz Opus, 8 kHz G.711). Like the video packetizer,
 * sequence numbers and timestamps stay continuous across stream epochs ({@link RtpStream}): at a new epoch the
 * timestamp is rebased so the RTP clock advances by the wall time since the last frame. The marker bit is set on the
 * first packet after a start or an epoch change (the beginning of a talkspurt, RFC 3551 §4.1). Use
 * {@link #beginFrame} then {@link #nextPacket} until {@link #DONE}; nothing is allocated.
 */
public final class AudioPacketizer {

    public static final int DONE = 0;
    public static final int READY = 1;
    /** {@link #beginFrame}: skipped, an Opus packet longer than the payload limit (RFC 6716 §3.4 allows 1275 B). */
    public static final int TOO_LARGE = -1;
    /** {@link #beginFrame}: skipped, empty. */
    public static final int EMPTY = -2;

    /** G.711 samples per RTP packet: 20 ms, the RFC 3551 §4.5.14 default packetization. */
    public static final int G711_PACKET_MILLIS = 20;

    private final RtpStream stream;
    private final boolean opus;
    private final int maxPayloadLength;
    private final int chunk;

    private boolean marker;

    private DirectBuffer frame;
    private int cursor;
    private int end;
    private int frameTimestamp;
    private int frameStart;
    private long packetsSent;
    private long octetsSent;
    private long framesSkipped;

    /**
     * @param opus      true for Opus, false for G.711 (PCMU/PCMA)
     * @param clockRate the track's (and RTP's) clock rate
     */
    public AudioPacketizer(int ssrc, int payloadType, boolean opus, int clockRate, int initialSequence,
                           int initialTimestamp, int maxPayloadLength) {
        if (maxPayloadLength < 64) {
            throw new IllegalArgumentException("max payload " + maxPayloadLength);
        }
        this.stream = new RtpStream(ssrc, payloadType, clockRate, initialSequence, initialTimestamp);
        this.opus = opus;
        this.maxPayloadLength = maxPayloadLength;
        this.chunk = Math.min(maxPayloadLength, clockRate * G711_PACKET_MILLIS / 1000);
    }

    /**
     * Starts one audio frame.
     *
     * @param pts      presentation time in the track's clock units, within its epoch
     * @param nowNanos monotonic time, to rebase the RTP clock at an epoch change
     * @return {@link #READY} or a negative skip status
     */
    public int beginFrame(DirectBuffer buffer, int offset, int length, long pts, long epoch, long nowNanos) {
        buffer.boundsCheck(offset, length);
        end = offset;
        cursor = offset;
        if (length == 0) {
            framesSkipped++;
            return EMPTY;
        }
        if (opus && length > maxPayloadLength) {
            framesSkipped++;
            return TOO_LARGE;
        }
        marker |= stream.startsNewEpoch(epoch);
        frame = buffer;
        frameStart = offset;
        end = offset + length;
        frameTimestamp = stream.frameTimestamp(pts, epoch, nowNanos);
        return READY;
    }

    /** Writes the next packet of the current frame at {@code offset}; returns its length or {@link #DONE}. */
    public int nextPacket(MutableDirectBuffer out, int offset) {
        if (cursor >= end) {
            return DONE;
        }
        int length = opus ? end - cursor : Math.min(chunk, end - cursor);
        int timestamp = frameTimestamp + (cursor - frameStart);
        stream.writeHeader(out, offset, marker, timestamp);
        out.putBytes(offset + HEADER_LENGTH, frame, cursor, length);
        cursor += length;
        marker = false;
        stream.advanceTo(timestamp + (opus ? 0 : length));
        packetsSent++;
        octetsSent += length;
        return HEADER_LENGTH + length;
    }

    /** RTP timestamp of the latest packet's end (G.711) or start (Opus). */
    public int timestamp() {
        return stream.latestTimestamp();
    }

    public int clockRate() {
        return stream.clockRate();
    }

    public long packetsSent() {
        return packetsSent;
    }

    public long octetsSent() {
        return octetsSent;
    }

    public long framesSkipped() {
        return framesSkipped;
    }
}
