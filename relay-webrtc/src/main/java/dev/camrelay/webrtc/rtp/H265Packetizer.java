package dev.camrelay.webrtc.rtp;

import static dev.camrelay.webrtc.rtp.RtpDescriptor.AVCC_LENGTH_PREFIX;
import static dev.camrelay.webrtc.rtp.RtpDescriptor.FU_END;
import static dev.camrelay.webrtc.rtp.RtpDescriptor.FU_START;
import static dev.camrelay.webrtc.rtp.RtpDescriptor.H264_CLOCK_RATE;
import static dev.camrelay.webrtc.rtp.RtpDescriptor.HEADER_LENGTH;
import static dev.camrelay.webrtc.rtp.RtpDescriptor.MAX_PAYLOAD_LENGTH;
import static java.nio.ByteOrder.BIG_ENDIAN;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Single-threaded: owned by the one sender of an outgoing video SSRC.
 *
 * <p>Turns length-prefixed H.265 access units (4-byte lengths, as the ingest stores them) into RTP packets (RFC
 * 7798): a NAL unit that fits goes as a single NAL unit packet (§4.4.1), a larger one as fragmentation units (§4.4.3:
 * a PayloadHdr of type 49 keeping F, LayerId and TID, an FU header S|E|FuType, then the fragment). The latest VPS,
 * SPS and PPS go, each as a single NAL unit packet, right before every IRAP picture (types 16-21); in-band ones are
 * remembered rather than sent alone; AUD and filler data are dropped. Marker on the last packet of the access unit
 * (§4.1). Continuity across epochs ({@link RtpStream}) and keyframe waits as {@link H264Packetizer}. No DONL: the
 * relay never negotiates sprop-max-don-diff (§7.1). Nothing is allocated per packet or access unit.
 *
 * <pre>
 * NAL unit header / PayloadHdr (§1.1.4): | F:1 | Type:6 | LayerId:6 | TID:3 |
 * FU header (§4.4.3):                    | S:1 | E:1 | FuType:6 |
 * </pre>
 */
public final class H265Packetizer implements VideoPacketizer {

    public static final int NAL_HEADER_LENGTH = 2;
    public static final int FU_HEADER_LENGTH = 1;
    public static final int TYPE_FU = 49;
    public static final int TYPE_AP = 48;
    public static final int TYPE_IRAP_FIRST = 16;
    public static final int TYPE_IRAP_LAST = 21;
    public static final int TYPE_VPS = 32;
    public static final int TYPE_SPS = 33;
    public static final int TYPE_PPS = 34;
    public static final int TYPE_AUD = 35;
    public static final int TYPE_FILLER = 38;
    public static final int MAX_NALS_PER_ACCESS_UNIT = 1024;
    public static final int MAX_PARAMETER_SET_LENGTH = 512;

    private final RtpStream stream;
    private final int maxPayloadLength;
    /** VPS, SPS, PPS in that order. */
    private final UnsafeBuffer[] sets = {
        new UnsafeBuffer(new byte[MAX_PARAMETER_SET_LENGTH]), new UnsafeBuffer(new byte[MAX_PARAMETER_SET_LENGTH]),
        new UnsafeBuffer(new byte[MAX_PARAMETER_SET_LENGTH])};
    private final int[] setLengths = new int[3];

    private boolean needKeyframe = true;

    private DirectBuffer au;
    private int auEnd;
    private int cursor;
    private int nalOffset = -1;
    private int nalLength;
    private int nalSent;
    private int lastSendableNalOffset;
    private int firstIrapNalOffset;
    /** Parameter sets still to send before the IRAP: 0 none, else the index of the next one + 1. */
    private int setsPending;
    private int timestamp;

    public H265Packetizer(int ssrc, int payloadType, int initialSequence, int initialTimestamp, int maxPayloadLength) {
        if (maxPayloadLength < 64 || maxPayloadLength > MAX_PAYLOAD_LENGTH) {
            throw new IllegalArgumentException("max payload length " + maxPayloadLength);
        }
        this.stream = new RtpStream(ssrc, payloadType, H264_CLOCK_RATE, initialSequence, initialTimestamp);
        this.maxPayloadLength = maxPayloadLength;
    }

    /** Seeds VPS, SPS and PPS (NAL units without start codes) from the stream format; others are ignored. */
    public void parameterSets(Iterable<byte[]> nals) {
        for (byte[] nal : nals) {
            if (nal.length >= NAL_HEADER_LENGTH && nal.length <= MAX_PARAMETER_SET_LENGTH) {
                int index = setIndex(type(nal[0]));
                if (index >= 0) {
                    sets[index].putBytes(0, nal);
                    setLengths[index] = nal.length;
                }
            }
        }
    }

    @Override
    public void requestKeyframe() {
        needKeyframe = true;
    }

    @Override
    public int beginAccessUnit(DirectBuffer buffer, int offset, int length, long pts, long epoch, long nowNanos) {
        buffer.boundsCheck(offset, length);
        nalOffset = -1;
        au = buffer;
        auEnd = offset + length;
        cursor = auEnd;
        if (!scan(buffer, offset, auEnd)) {
            needKeyframe = true;
            return MALFORMED_ACCESS_UNIT;
        }
        boolean irap = firstIrapNalOffset >= 0;
        if (!irap && (needKeyframe || stream.startsNewEpoch(epoch))) {
            return WAITING_FOR_KEYFRAME;
        }
        if (irap && (setLengths[0] == 0 || setLengths[1] == 0 || setLengths[2] == 0)) {
            needKeyframe = true;
            return NO_PARAMETER_SETS;
        }
        needKeyframe = false;
        timestamp = stream.frameTimestamp(pts, epoch, nowNanos);
        cursor = offset;
        setsPending = irap ? 1 : 0;
        return READY;
    }

    private boolean scan(DirectBuffer buffer, int from, int end) {
        firstIrapNalOffset = -1;
        lastSendableNalOffset = -1;
        int position = from;
        int count = 0;
        while (position < end) {
            if (end - position < AVCC_LENGTH_PREFIX || ++count > MAX_NALS_PER_ACCESS_UNIT) {
                return false;
            }
            int length = buffer.getInt(position, BIG_ENDIAN);
            int nal = position + AVCC_LENGTH_PREFIX;
            if (length < NAL_HEADER_LENGTH || length > end - nal) {
                return false;
            }
            int type = type(buffer.getByte(nal));
            int index = setIndex(type);
            if (index >= 0) {
                if (length > MAX_PARAMETER_SET_LENGTH) {
                    return false;
                }
                sets[index].putBytes(0, buffer, nal, length);
                setLengths[index] = length;
            } else if (isSent(type)) {
                lastSendableNalOffset = position;
                if (type >= TYPE_IRAP_FIRST && type <= TYPE_IRAP_LAST && firstIrapNalOffset < 0) {
                    firstIrapNalOffset = position;
                }
            }
            position = nal + length;
        }
        return true;
    }

    private static int type(byte firstHeaderByte) {
        return (firstHeaderByte >> 1) & 0x3F;
    }

    private static int setIndex(int type) {
        return type >= TYPE_VPS && type <= TYPE_PPS ? type - TYPE_VPS : -1;
    }

    private static boolean isSent(int type) {
        return setIndex(type) < 0 && type != TYPE_AUD && type != TYPE_FILLER && type < TYPE_AP;
    }

    @Override
    public int nextPacket(MutableDirectBuffer out, int offset) {
        if (nalOffset < 0 && !advance()) {
            return DONE;
        }
        if (setsPending > 0 && nalOffset == firstIrapNalOffset) {
            int index = setsPending - 1;
            setsPending = setsPending == sets.length ? 0 : setsPending + 1;
            out.putBytes(offset + HEADER_LENGTH, sets[index], 0, setLengths[index]);
            return writeHeader(out, offset, false, setLengths[index]);
        }
        int nal = nalOffset + AVCC_LENGTH_PREFIX;
        boolean lastNal = nalOffset == lastSendableNalOffset;
        if (nalSent == 0 && nalLength <= maxPayloadLength) {
            out.putBytes(offset + HEADER_LENGTH, au, nal, nalLength);
            nalOffset = -1;
            return writeHeader(out, offset, lastNal, nalLength);
        }
        int header0 = au.getByte(nal) & 0xFF;
        int header1 = au.getByte(nal + 1) & 0xFF;
        int bodyRemaining = nalLength - NAL_HEADER_LENGTH - nalSent;
        int chunk = Math.min(bodyRemaining, maxPayloadLength - NAL_HEADER_LENGTH - FU_HEADER_LENGTH);
        boolean start = nalSent == 0;
        boolean end = chunk == bodyRemaining;
        int payload = offset + HEADER_LENGTH;
        out.putByte(payload, (byte) ((header0 & 0x81) | (TYPE_FU << 1)));
        out.putByte(payload + 1, (byte) header1);
        out.putByte(payload + 2, (byte) ((start ? FU_START : 0) | (end ? FU_END : 0) | type((byte) header0)));
        out.putBytes(payload + 3, au, nal + NAL_HEADER_LENGTH + nalSent, chunk);
        nalSent += chunk;
        if (end) {
            nalOffset = -1;
        }
        return writeHeader(out, offset, lastNal && end, NAL_HEADER_LENGTH + FU_HEADER_LENGTH + chunk);
    }

    private boolean advance() {
        while (cursor < auEnd) {
            int length = au.getInt(cursor, BIG_ENDIAN);
            int type = type(au.getByte(cursor + AVCC_LENGTH_PREFIX));
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

    private int writeHeader(MutableDirectBuffer out, int offset, boolean marker, int payloadLength) {
        return stream.writeHeader(out, offset, marker, timestamp) + payloadLength;
    }

    @Override
    public int timestamp() {
        return timestamp;
    }
}
