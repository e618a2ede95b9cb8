package dev.camrelay.webrtc.rtp;

import static dev.camrelay.webrtc.rtp.RtpDescriptor.AVCC_LENGTH_PREFIX;
import static dev.camrelay.webrtc.rtp.RtpDescriptor.FU_A_HEADER_LENGTH;
import static dev.camrelay.webrtc.rtp.RtpDescriptor.FU_END;
import static dev.camrelay.webrtc.rtp.RtpDescriptor.FU_START;
import static dev.camrelay.webrtc.rtp.RtpDescriptor.H264_CLOCK_RATE;
import static dev.camrelay.webrtc.rtp.RtpDescriptor.HEADER_LENGTH;
import static dev.camrelay.webrtc.rtp.RtpDescriptor.MAX_PAYLOAD_LENGTH;
import static dev.camrelay.webrtc.rtp.RtpDescriptor.NAL_AUD;
import static dev.camrelay.webrtc.rtp.RtpDescriptor.NAL_FILLER;
import static dev.camrelay.webrtc.rtp.RtpDescriptor.NAL_FU_A;
import static dev.camrelay.webrtc.rtp.RtpDescriptor.NAL_IDR;
import static dev.camrelay.webrtc.rtp.RtpDescriptor.NAL_NRI_MASK;
import static dev.camrelay.webrtc.rtp.RtpDescriptor.NAL_PPS;
import static dev.camrelay.webrtc.rtp.RtpDescriptor.NAL_SPS;
import static dev.camrelay.webrtc.rtp.RtpDescriptor.NAL_STAP_A;
import static dev.camrelay.webrtc.rtp.RtpDescriptor.NAL_TYPE_MASK;
import static dev.camrelay.webrtc.rtp.RtpDescriptor.STAP_A_SIZE_LENGTH;
import static java.nio.ByteOrder.BIG_ENDIAN;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Single-threaded: owned by the one sender of an outgoing video SSRC.
 *
 * <p>Turns AVCC access units into H.264 RTP packets, packetization mode 1 (RFC 6184 §6.3): a NAL that fits goes as a
 * single NAL unit packet (§5.6), a larger one as FU-A fragments (§5.8), and the latest SPS and PPS go in one STAP-A
 * (§5.7.1) right before every IDR. In-band SPS/PPS are remembered rather than sent alone; AUD and filler NALs are
 * dropped. The marker bit is set on the last packet of each access unit (§5.1).
 *
 * <p>Sequence numbers and timestamps are continuous per SSRC across stream epochs (a camera reconnect): a new epoch
 * starts only at an IDR, and the timestamp offset is rebased there so the RTP clock advances by the wall time since
 * the last access unit (protocols.md 7.2). Non-IDR frames of a new epoch, or after {@link #requestKeyframe()}, are
 * skipped so no frame goes out whose reference the player never got.
 *
 * <p>Use: {@link #beginAccessUnit} then {@link #nextPacket} until it returns {@link #DONE}. Packets are written into
 * the caller's buffer; nothing is allocated per packet or per access unit.
 */
public final class H264Packetizer implements VideoPacketizer {

    /** {@link #nextPacket}: the access unit is fully packetized. */
    public static final int DONE = VideoPacketizer.DONE;
    /** {@link #beginAccessUnit}: ready, packets follow. */
    public static final int READY = VideoPacketizer.READY;
    /** {@link #beginAccessUnit}: skipped, a new epoch or a resync needs an IDR first. */
    public static final int WAITING_FOR_KEYFRAME = VideoPacketizer.WAITING_FOR_KEYFRAME;
    /** {@link #beginAccessUnit}: skipped, AVCC lengths do not add up or too many NALs. */
    public static final int MALFORMED_ACCESS_UNIT = VideoPacketizer.MALFORMED_ACCESS_UNIT;
    /** {@link #beginAccessUnit}: skipped, an IDR but no SPS/PPS known yet. */
    public static final int NO_PARAMETER_SETS = VideoPacketizer.NO_PARAMETER_SETS;

    public static final int MAX_NALS_PER_ACCESS_UNIT = 1024;
    public static final int MAX_PARAMETER_SET_LENGTH = 512;

    private static final int PARAMS_NONE = 0;
    private static final int PARAMS_STAP_A = 1;
    private static final int PARAMS_SPS_ALONE = 2;
    private static final int PARAMS_PPS_ALONE = 3;

    private final RtpStream stream;
    private final int maxPayloadLength;
    private final UnsafeBuffer sps = new UnsafeBuffer(new byte[MAX_PARAMETER_SET_LENGTH]);
    private final UnsafeBuffer pps = new UnsafeBuffer(new byte[MAX_PARAMETER_SET_LENGTH]);
    private int spsLength;
    private int ppsLength;

    private boolean needKeyframe = true;

    private DirectBuffer au;
    private int auEnd;
    private int cursor;
    private int nalOffset = -1;
    private int nalLength;
    private int nalSent;
    private int lastSendableNalOffset;
    private int firstIdrNalOffset;
    private int parameterSets;
    private int timestamp;
    private long packetsSent;
    private long accessUnitsSkipped;

    /**
     * @param ssrc             outgoing SSRC
     * @param payloadType      negotiated H.264 payload type
     * @param initialSequence  random first sequence number (RFC 3550 §5.1)
     * @param initialTimestamp random first timestamp (RFC 3550 §5.1)
     * @param maxPayloadLength at most {@link RtpDescriptor#MAX_PAYLOAD_LENGTH}
     */
    public H264Packetizer(int ssrc, int payloadType, int initialSequence, int initialTimestamp, int maxPayloadLength) {
        if (maxPayloadLength < 64 || maxPayloadLength > MAX_PAYLOAD_LENGTH) {
            throw new IllegalArgumentException("max payload length " + maxPayloadLength);
        }
        this.stream = new RtpStream(ssrc, payloadType, H264_CLOCK_RATE, initialSequence, initialTimestamp);
        this.maxPayloadLength = maxPayloadLength;
    }

    /** Seeds SPS and PPS from the stream format, for cameras that send them only out of band. */
    public void parameterSets(byte[] spsNal, byte[] ppsNal) {
        if (spsNal.length > MAX_PARAMETER_SET_LENGTH || ppsNal.length > MAX_PARAMETER_SET_LENGTH) {
            throw new IllegalArgumentException("parameter set longer than " + MAX_PARAMETER_SET_LENGTH);
        }
        sps.putBytes(0, spsNal);
        spsLength = spsNal.length;
        pps.putBytes(0, ppsNal);
        ppsLength = ppsNal.length;
    }

    /** Skip frames until the next IDR, e.g. after the reader lost frames. */
    @Override
    public void requestKeyframe() {
        needKeyframe = true;
    }

    /**
     * Starts one access unit.
     *
     * @param buffer   AVCC payload (4-byte big-endian length before each NAL)
     * @param pts      presentation time in 90 kHz units of the stream epoch
     * @param epoch    the stream epoch the frame belongs to
     * @param nowNanos monotonic time, to rebase the RTP clock at an epoch change
     * @return {@link #READY} or a negative skip status
     * @throws IndexOutOfBoundsException if the range is not inside {@code buffer} (caller's bug)
     */
    @Override
    public int beginAccessUnit(DirectBuffer buffer, int offset, int length, long pts, long epoch, long nowNanos) {
        buffer.boundsCheck(offset, length);
        nalOffset = -1;
        au = buffer;
        auEnd = offset + length;
        cursor = auEnd;
        int status = scan(buffer, offset, auEnd);
        if (status != READY) {
            needKeyframe = true;
            accessUnitsSkipped++;
            return status;
        }
        boolean idr = firstIdrNalOffset >= 0;
        if (!idr && (needKeyframe || stream.startsNewEpoch(epoch))) {
            accessUnitsSkipped++;
            return WAITING_FOR_KEYFRAME;
        }
        if (idr && (spsLength == 0 || ppsLength == 0)) {
            accessUnitsSkipped++;
            needKeyframe = true;
            return NO_PARAMETER_SETS;
        }
        needKeyframe = false;
        timestamp = stream.frameTimestamp(pts, epoch, nowNanos);
        cursor = offset;
        nalSent = 0;
        parameterSets = idr ? PARAMS_STAP_A : PARAMS_NONE;
        if (idr && spsLength + ppsLength + 1 + 2 * STAP_A_SIZE_LENGTH > maxPayloadLength) {
            parameterSets = PARAMS_SPS_ALONE;
        }
        return READY;
    }

    /** Validates AVCC framing, records SPS/PPS, finds the first IDR and the last NAL that will be sent. */
    private int scan(DirectBuffer buffer, int from, int end) {
        firstIdrNalOffset = -1;
        lastSendableNalOffset = -1;
        int position = from;
        int count = 0;
        while (position < end) {
            if (end - position < AVCC_LENGTH_PREFIX || ++count > MAX_NALS_PER_ACCESS_UNIT) {
                return MALFORMED_ACCESS_UNIT;
            }
            int length = buffer.getInt(position, BIG_ENDIAN);
            int nal = position + AVCC_LENGTH_PREFIX;
            if (length <= 0 || length > end - nal) {
                return MALFORMED_ACCESS_UNIT;
            }
            int type = buffer.getByte(nal) & NAL_TYPE_MASK;
            if (type == NAL_SPS || type == NAL_PPS) {
                if (length > MAX_PARAMETER_SET_LENGTH) {
                    return MALFORMED_ACCESS_UNIT;
                }
                UnsafeBuffer target = type == NAL_SPS ? sps : pps;
                target.putBytes(0, buffer, nal, length);
                if (type == NAL_SPS) {
                    spsLength = length;
                } else {
                    ppsLength = length;
                }
            } else if (isSent(type)) {
                lastSendableNalOffset = position;
                if (type == NAL_IDR && firstIdrNalOffset < 0) {
                    firstIdrNalOffset = position;
                }
            }
            position = nal + length;
        }
        return READY;
    }

    private static boolean isSent(int type) {
        return type != NAL_SPS && type != NAL_PPS && type != NAL_AUD && type != NAL_FILLER
                && type != NAL_STAP_A && type != NAL_FU_A && type != 0 && type < 30;
    }

    /**
     * Writes the next packet of the current access unit at {@code offset}; needs
     * {@link RtpDescriptor#HEADER_LENGTH} + max payload bytes of room.
     *
     * @return the packet length, or {@link #DONE}
     */
    @Override
    public int nextPacket(MutableDirectBuffer out, int offset) {
        if (nalOffset < 0 && !advance()) {
            return DONE;
        }
        if (parameterSets != PARAMS_NONE && nalOffset == firstIdrNalOffset) {
            return writeParameterSets(out, offset);
        }
        int nal = nalOffset + AVCC_LENGTH_PREFIX;
        boolean lastNal = nalOffset == lastSendableNalOffset;
        if (nalSent == 0 && nalLength <= maxPayloadLength) {
            out.putBytes(offset + HEADER_LENGTH, au, nal, nalLength);
            nalOffset = -1;
            return writeHeader(out, offset, lastNal, nalLength);
        }
        int header = au.getByte(nal) & 0xFF;
        int bodyRemaining = nalLength - 1 - nalSent;
        int chunk = Math.min(bodyRemaining, maxPayloadLength - FU_A_HEADER_LENGTH);
        boolean start = nalSent == 0;
        boolean end = chunk == bodyRemaining;
        out.putByte(offset + HEADER_LENGTH, (byte) ((header & (0x80 | NAL_NRI_MASK)) | NAL_FU_A));
        out.putByte(offset + HEADER_LENGTH + 1,
                (byte) ((start ? FU_START : 0) | (end ? FU_END : 0) | (header & NAL_TYPE_MASK)));
        out.putBytes(offset + HEADER_LENGTH + FU_A_HEADER_LENGTH, au, nal + 1 + nalSent, chunk);
        nalSent += chunk;
        if (end) {
            nalOffset = -1;
        }
        return writeHeader(out, offset, lastNal && end, FU_A_HEADER_LENGTH + chunk);
    }

    private boolean advance() {
        while (cursor < auEnd) {
            int length = au.getInt(cursor, BIG_ENDIAN);
            int type = au.getByte(cursor + AVCC_LENGTH_PREFIX) & NAL_TYPE_MASK;
            int at = cursor;
            cursor += AVCC_LENGTH_PREFIX + length;
            if (isSent(type)) {
                nalOffset = at;
                nalLength = length;
                nalSent = 0;
                return true;
            }
        }
        return false;
    }

    private int writeParameterSets(MutableDirectBuffer out, int offset) {
        int payload = offset + HEADER_LENGTH;
        if (parameterSets == PARAMS_STAP_A) {
            int nri = Math.max(sps.getByte(0) & NAL_NRI_MASK, pps.getByte(0) & NAL_NRI_MASK);
            out.putByte(payload, (byte) (nri | NAL_STAP_A));
            out.putShort(payload + 1, (short) spsLength, BIG_ENDIAN);
            out.putBytes(payload + 3, sps, 0, spsLength);
            out.putShort(payload + 3 + spsLength, (short) ppsLength, BIG_ENDIAN);
            out.putBytes(payload + 5 + spsLength, pps, 0, ppsLength);
            parameterSets = PARAMS_NONE;
            return writeHeader(out, offset, false, 1 + 2 * STAP_A_SIZE_LENGTH + spsLength + ppsLength);
        }
        // Parameter sets too large to aggregate: each alone as a single NAL unit packet (§5.6).
        boolean spsTurn = parameterSets == PARAMS_SPS_ALONE;
        UnsafeBuffer set = spsTurn ? sps : pps;
        int length = spsTurn ? spsLength : ppsLength;
        out.putBytes(payload, set, 0, length);
        parameterSets = spsTurn ? PARAMS_PPS_ALONE : PARAMS_NONE;
        return writeHeader(out, offset, false, length);
    }

    private int writeHeader(MutableDirectBuffer out, int offset, boolean marker, int payloadLength) {
        packetsSent++;
        return stream.writeHeader(out, offset, marker, timestamp) + payloadLength;
    }

    /** The sequence number the next packet gets. */
    public int nextSequence() {
        return stream.nextSequence();
    }

    /** RTP timestamp of the current (or last) access unit. */
    @Override
    public int timestamp() {
        return timestamp;
    }

    public long packetsSent() {
        return packetsSent;
    }

    public long accessUnitsSkipped() {
        return accessUnitsSkipped;
    }
}
