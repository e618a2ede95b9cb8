package dev.camrelay.rtsp.depacketize;

import dev.camrelay.rtsp.rtp.RtpPacket;
import dev.camrelay.rtsp.rtp.RtpTimestampUnwrapper;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

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
    private final UnsafeBuffer fragment = new UnsafeBuffer(new byte[MAX_ACCESS_UNIT_LENGTH]);

    private int lastSequence = -1;
    private boolean inFragment;
    private long fragmentTimestamp;
    private int fragmentLength;
    private int fragmentExpected;
    private boolean skipping;
    private long skipTimestamp;

    private long published;
    private long dropped;
    private long lossEvents;
    private long malformed;

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
        int sequence = packet.sequence();
        int status = OK;
        boolean loss = lastSequence >= 0 && sequence != ((lastSequence + 1) & 0xFFFF);
        if (loss) {
            lossEvents++;
            if (inFragment) {
                inFragment = false;
                dropped++;
                skipping = true;
                skipTimestamp = fragmentTimestamp;
                status = DROPPED;
            }
        }
        lastSequence = sequence;
        long timestamp = timestamps.unwrap(packet.timestamp());
        if (skipping) {
            if (timestamp == skipTimestamp) {
                return DROPPED; // the rest of a fragmented AU that lost a piece (RFC 3640 §3.2.3)
            }
            skipping = false;
        }
        DirectBuffer b = packet.buffer();
        int offset = packet.payloadOffset();
        int length = packet.payloadLength();
        if (length < AU_HEADERS_LENGTH_FIELD) {
            return malformed();
        }
        int headerBits = b.getShort(offset, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        int headerBytes = (headerBits + 7) >>> 3;
        int dataStart = offset + AU_HEADERS_LENGTH_FIELD + headerBytes;
        int end = offset + length;
        if (dataStart > end) {
            return malformed();
        }
        if (inFragment) {
            if (timestamp != fragmentTimestamp) {
                inFragment = false;
                dropped++;
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
                        dropped++;
                        skipping = true;
                        skipTimestamp = timestamp;
                        return DROPPED;
                    }
                    return startFragment(b, pos, end - pos, size, timestamp);
                }
                return malformed();
            }
            publish(timestamp + (long) auIndex * samplesPerFrame, b, pos, size);
            status = PUBLISHED;
            pos += size;
            first = false;
        }
        return status;
    }

    private int startFragment(DirectBuffer b, int offset, int length, int auSize, long timestamp) {
        inFragment = true;
        fragmentTimestamp = timestamp;
        fragmentExpected = auSize;
        fragment.putBytes(0, b, offset, length);
        fragmentLength = length;
        return OK;
    }

    private int continueFragment(DirectBuffer b, int offset, int length, boolean marker) {
        if (fragmentLength + length > fragmentExpected) {
            inFragment = false;
            return malformed();
        }
        fragment.putBytes(fragmentLength, b, offset, length);
        fragmentLength += length;
        if (fragmentLength < fragmentExpected) {
            if (marker) {
                inFragment = false;
                return malformed();
            }
            return OK;
        }
        inFragment = false;
        publish(fragmentTimestamp, fragment, 0, fragmentLength);
        return PUBLISHED;
    }

    private void publish(long timestamp, DirectBuffer b, int offset, int length) {
        int skip = adtsHeaderLength(b, offset, length);
        if (length - skip <= 0) {
            malformed++;
            return;
        }
        sink.onAccessUnit(track, timestamp, timestamp, keyframes, b, offset + skip, length - skip);
        published++;
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

    private int malformed() {
        malformed++;
        return MALFORMED;
    }

    @Override
    public int flush() {
        if (inFragment) {
            inFragment = false;
            dropped++;
            return DROPPED;
        }
        return OK;
    }

    @Override
    public void reset() {
        inFragment = false;
        skipping = false;
        lastSequence = -1;
        timestamps.reset();
    }

    @Override
    public long accessUnitsPublished() {
        return published;
    }

    @Override
    public long accessUnitsDropped() {
        return dropped;
    }

    @Override
    public long accessUnitsSkippedUntilKeyframe() {
        return 0;
    }

    @Override
    public long lossEvents() {
        return lossEvents;
    }

    public long malformedPackets() {
        return malformed;
    }
}
