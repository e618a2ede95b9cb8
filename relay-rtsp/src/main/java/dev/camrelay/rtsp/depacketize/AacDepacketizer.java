package dev.camrelay.rtsp.depacketize;

import dev.camrelay.rtsp.rtp.RtpPacket;
import dev.camrelay.rtsp.rtp.RtpTimestampUnwrapper;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;

/**
 * Threading: confined to the track's receive thread; allocates nothing per packet.
 *
 * <p>MPEG-4 AAC over RTP in RFC 3640 AAC-hbr mode (§3.3.6) to raw AAC frames: the AU-headers section (§3.2.1: a
 * 16-bit length in bits, then per access unit {@code sizelength} bits of size and {@code indexlength} /
 * {@code indexdeltalength} bits of index) followed by the access units. Several AUs per packet get timestamps
 * {@code ts + index * samplesPerFrame}; an AU larger than its packet is fragmented over packets with the same
 * timestamp, the marker on the last (§3.2.3), and is reassembled. ADTS headers some cameras leave in the AUs are
 * stripped. A lost packet drops only the AU it belonged to (AAC frames decode independently).
 */
public final class AacDepacketizer implements RtpDepacketizer {

    /** Largest AU: the AU-size field is at most 16 bits wide (RFC 3640 §4.1 sizeLength). */
    public static final int MAX_ACCESS_UNIT_LENGTH = 0xFFFF;
    private static final int AU_HEADERS_LENGTH_FIELD = 2;
    /** ADTS header without / with CRC (ISO/IEC 14496-3 §1.A.2.2). */
    private static final int ADTS_HEADER_LENGTH = 7;
    private static final int ADTS_HEADER_WITH_CRC_LENGTH = 9;

    private final int track;
    private final AccessUnitSink sink;
    private final int sizeLength;
    private final int indexLength;
    private final int indexDeltaLength;
    private final int samplesPerFrame;
    private final boolean keyframes;
    private final RtpTimestampUnwrapper timestamps = new RtpTimestampUnwrapper();
    private final FragmentedFrame fragment = new FragmentedFrame(MAX_ACCESS_UNIT_LENGTH);
    private final DepacketizerCounts counts = new DepacketizerCounts();
    private int fragmentExpected;

    /**
     * @param keyframes mark every frame a keyframe: true only for an audio-only stream (see AccessUnit)
     */
    public AacDepacketizer(int track, AccessUnitSink sink, int sizeLength, int indexLength, int indexDeltaLength,
                           int samplesPerFrame, boolean keyframes) {
        if (sizeLength < 1 || sizeLength > 16 || indexLength < 0 || indexLength > 8 || indexDeltaLength < 0
                || indexDeltaLength > 8) {
            throw new IllegalArgumentException("bad AU header lengths " + sizeLength + "/" + indexLength + "/"
                    + indexDeltaLength);
        }
        this.track = track;
        this.sink = sink;
        this.sizeLength = sizeLength;
        this.indexLength = indexLength;
        this.indexDeltaLength = indexDeltaLength;
        this.samplesPerFrame = samplesPerFrame;
        this.keyframes = keyframes;
    }

    @Override
    public int onPacket(RtpPacket packet) {
        int status = OK;
        boolean loss = counts.gapBefore(packet.sequence());
        if (loss && fragment.isOpen()) {
            counts.dropped();
            fragment.skip(fragment.timestamp());
            status = DROPPED;
        }
        long timestamp = timestamps.unwrap(packet.timestamp());
        if (fragment.skips(timestamp)) {
            return DROPPED; // the rest of a fragmented AU that lost a piece (RFC 3640 §3.2.3)
        }
        DirectBuffer b = packet.buffer();
        int offset = packet.payloadOffset();
        int length = packet.payloadLength();
        if (length < AU_HEADERS_LENGTH_FIELD) {
            return counts.fault(MALFORMED);
        }
        int headerBits = b.getShort(offset, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        int headerBytes = (headerBits + 7) >>> 3;
        int dataStart = offset + AU_HEADERS_LENGTH_FIELD + headerBytes;
        int end = offset + length;
        if (dataStart > end) {
            return counts.fault(MALFORMED);
        }
        if (fragment.isOpen()) {
            if (timestamp != fragment.timestamp()) {
                fragment.close();
                counts.dropped();
                status = DROPPED;
            } else {
                return continueFragment(b, dataStart, end - dataStart, packet.marker());
            }
        }
        int bitBase = (offset + AU_HEADERS_LENGTH_FIELD) * 8;
        int bit = 0;
        int auIndex = 0;
        int pos = dataStart;
        boolean first = true;
        while (bit + sizeLength + (first ? indexLength : indexDeltaLength) <= headerBits) {
            int size = readBits(b, bitBase + bit, sizeLength);
            bit += sizeLength;
            int index = readBits(b, bitBase + bit, first ? indexLength : indexDeltaLength);
            bit += first ? indexLength : indexDeltaLength;
            auIndex = first ? index : auIndex + index + 1;
            if (size > end - pos) {
                if (first && bit + sizeLength > headerBits) {
                    if (loss || packet.marker()) {
                        // A middle or last fragment whose start was lost: skip the whole AU.
                        counts.dropped();
                        fragment.skip(timestamp);
                        return DROPPED;
                    }
                    fragment.start(timestamp);
                    fragment.append(b, pos, end - pos);
                    fragmentExpected = size;
                    return OK;
                }
                return counts.fault(MALFORMED);
            }
            publish(timestamp + (long) auIndex * samplesPerFrame, b, pos, size);
            status = PUBLISHED;
            pos += size;
            first = false;
        }
        return status;
    }

    private int continueFragment(DirectBuffer b, int offset, int length, boolean marker) {
        if (fragment.length() + length > fragmentExpected) {
            fragment.close();
            return counts.fault(MALFORMED);
        }
        fragment.append(b, offset, length);
        if (fragment.length() < fragmentExpected) {
            if (marker) {
                fragment.close();
                return counts.fault(MALFORMED);
            }
            return OK;
        }
        long ts = fragment.timestamp();
        int auLength = fragment.length();
        fragment.close();
        publish(ts, fragment.buffer(), 0, auLength);
        return PUBLISHED;
    }

    private void publish(long timestamp, DirectBuffer b, int offset, int length) {
        int skip = adtsHeaderLength(b, offset, length);
        if (length - skip <= 0) {
            counts.fault(MALFORMED);
            return;
        }
        sink.onAccessUnit(track, timestamp, timestamp, keyframes, b, offset + skip, length - skip);
        counts.published();
    }

    /** Length of an ADTS header whose frame length matches the AU, else 0. */
    private static int adtsHeaderLength(DirectBuffer b, int offset, int length) {
        if (length < ADTS_HEADER_LENGTH || (b.getByte(offset) & 0xFF) != 0xFF
                || (b.getByte(offset + 1) & 0xF6) != 0xF0) {
            return 0;
        }
        int frameLength = ((b.getByte(offset + 3) & 0x03) << 11) | ((b.getByte(offset + 4) & 0xFF) << 3)
                | ((b.getByte(offset + 5) & 0xE0) >>> 5);
        if (frameLength != length) {
            return 0;
        }
        return (b.getByte(offset + 1) & 0x01) != 0 ? ADTS_HEADER_LENGTH : ADTS_HEADER_WITH_CRC_LENGTH;
    }

    /** Reads {@code n} (0..16) bits, most significant first, starting at absolute bit {@code bitIndex}. */
    private static int readBits(DirectBuffer b, int bitIndex, int n) {
        int v = 0;
        for (int i = 0; i < n; i++) {
            int bi = bitIndex + i;
            v = (v << 1) | ((b.getByte(bi >>> 3) >>> (7 - (bi & 7))) & 1);
        }
        return v;
    }

    @Override
    public int flush() {
        if (fragment.isOpen()) {
            fragment.close();
            counts.dropped();
            return DROPPED;
        }
        return OK;
    }

    @Override
    public void reset() {
        fragment.reset();
        counts.restartSequence();
        timestamps.reset();
    }

    @Override
    public DepacketizerCounts counts() {
        return counts;
    }
}
