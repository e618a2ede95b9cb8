package dev.camrelay.rtsp.depacketize;

import dev.camrelay.rtsp.rtp.RtpPacket;
import dev.camrelay.rtsp.rtp.RtpTimestampUnwrapper;
import java.nio.ByteOrder;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Threading: confined to the track's receive thread; allocates nothing per packet.
 *
 * <p>H.265 over RTP (RFC 7798) to AVCC-style (4-byte length) access units: single NAL unit packets (§4.4.1),
 * aggregation packets (AP, type 48, §4.4.2) and fragmentation units (FU, type 49, §4.4.3), with the DONL/DOND
 * fields when {@code sprop-max-don-diff} is above 0 (§4.4, §7.1). An access unit ends at the marker bit or a
 * timestamp change; a marker on non-VCL units alone is ignored. A keyframe is an access unit with an IRAP picture
 * (NAL types 16..23, H.265 §7.4.2.2); the latest VPS, SPS and PPS (SDP {@code sprop-vps/sps/pps}, then in-band,
 * which wins) are put in front of an IRAP access unit that lacks them. PACI packets (type 50, §4.4.4) are reported
 * {@link #UNSUPPORTED}.
 *
 * <p>Loss: as {@link H264Depacketizer}: a unit that may miss a packet is dropped, and every unit after it until the
 * next keyframe.
 */
public final class H265Depacketizer implements RtpDepacketizer {

    /** Largest access unit published (protocols.md 3.2 "cap AU size"). */
    public static final int MAX_ACCESS_UNIT_LENGTH = 8 * 1024 * 1024;
    /** Most NAL units in one access unit (protocols.md 3.2 "cap NAL count"). */
    public static final int MAX_NALS_PER_ACCESS_UNIT = 1024;

    // NAL unit types: H.265 Table 7-1 and RFC 7798 §4.4.
    static final int NAL_IRAP_FIRST = 16;
    static final int NAL_IRAP_LAST = 23;
    static final int NAL_VCL_LAST = 31;
    static final int NAL_VPS = 32;
    static final int NAL_SPS = 33;
    static final int NAL_PPS = 34;
    static final int NAL_AUD = 35;
    static final int AP = 48;
    static final int FU = 49;
    static final int PACI = 50;
    /** The 2-byte NAL unit header (H.265 §7.3.1.2) that is also the RTP payload header (RFC 7798 §4.2). */
    private static final int NAL_HEADER_LENGTH = 2;
    private static final int DONL_LENGTH = 2;
    private static final int DOND_LENGTH = 1;
    private static final int AP_SIZE_LENGTH = 2;
    private static final int FU_START = 0x80;
    private static final int FU_END = 0x40;
    private static final int FU_TYPE_MASK = 0x3F;

    private static final int VPS = 0;
    private static final int SPS = 1;
    private static final int PPS = 2;

    private final int track;
    private final AccessUnitSink sink;
    private final boolean donlPresent;
    private final ParameterSetCache parameterSets = new ParameterSetCache(3);
    private final AvccAccessUnitWriter au = new AvccAccessUnitWriter(
            3 * (AvccAccessUnitWriter.LENGTH_PREFIX + ParameterSetCache.MAX_PARAMETER_SET_LENGTH),
            MAX_ACCESS_UNIT_LENGTH, MAX_NALS_PER_ACCESS_UNIT);
    private final RtpTimestampUnwrapper timestamps = new RtpTimestampUnwrapper();
    /** An access unit delimiter kept aside while parameter sets go in front of it. */
    private final UnsafeBuffer aud = new UnsafeBuffer(new byte[ParameterSetCache.MAX_PARAMETER_SET_LENGTH]);

    private boolean auOpen;
    private long auTimestamp;
    private boolean auBroken;
    private boolean auHasVcl;
    private boolean auHasIrap;
    private boolean auHasVps;
    private boolean auHasSps;
    private boolean auHasPps;
    private boolean auFaultCounted;
    private boolean waitingForKeyframe = true;
    private int payloadStatus;

    private final DepacketizerCounts counts = new DepacketizerCounts();

    /**
     * @param maxDonDiff the SDP's {@code sprop-max-don-diff}: above 0, every AP and FU carries DONL (RFC 7798 §4.4)
     */
    public H265Depacketizer(int track, AccessUnitSink sink, int maxDonDiff) {
        this.track = track;
        this.sink = sink;
        this.donlPresent = maxDonDiff > 0;
    }

    /** Seeds VPS/SPS/PPS from the SDP (RFC 7798 §7.1); control plane, before the first packet. */
    public void setParameterSets(List<byte[]> nalUnits) {
        for (byte[] nal : nalUnits) {
            if (nal.length >= NAL_HEADER_LENGTH) {
                int slot = slotOf((nal[0] >> 1) & 0x3F);
                if (slot >= 0) {
                    parameterSets.store(slot, new UnsafeBuffer(nal), 0, nal.length);
                }
            }
        }
    }

    /** The latest VPS, SPS and PPS, or an empty list until all three are known; control plane. */
    public List<byte[]> parameterSets() {
        return parameterSets.has(VPS) && parameterSets.has(SPS) && parameterSets.has(PPS)
                ? List.of(parameterSets.copy(VPS), parameterSets.copy(SPS), parameterSets.copy(PPS)) : List.of();
    }

    private static int slotOf(int type) {
        return switch (type) {
            case NAL_VPS -> VPS;
            case NAL_SPS -> SPS;
            case NAL_PPS -> PPS;
            default -> -1;
        };
    }

    @Override
    public int onPacket(RtpPacket packet) {
        boolean loss = counts.gapBefore(packet.sequence());
        int status = OK;
        if (loss) {
            waitingForKeyframe = true;
            auBroken |= auOpen;
        }
        long timestamp = timestamps.unwrap(packet.timestamp());
        if (auOpen && timestamp != auTimestamp) {
            if (!auHasVcl && !auBroken && !au.hasOpenNal()) {
                auTimestamp = timestamp;
            } else {
                status = finishAccessUnit();
            }
        }
        if (!auOpen) {
            auOpen = true;
            auTimestamp = timestamp;
        }
        auBroken |= loss;
        payloadStatus = OK;
        payload(packet.buffer(), packet.payloadOffset(), packet.payloadLength());
        if (packet.marker() && auHasVcl && !au.hasOpenNal()) {
            int finished = finishAccessUnit();
            status = status == OK || finished == PUBLISHED ? finished : status;
        }
        return payloadStatus != OK ? payloadStatus : status;
    }

    private void payload(DirectBuffer b, int offset, int length) {
        if (length < NAL_HEADER_LENGTH + 1) {
            broken(MALFORMED);
            return;
        }
        int type = (b.getByte(offset) >> 1) & 0x3F;
        if (au.hasOpenNal() && type != FU) {
            au.endNal();
            broken(MALFORMED);
        }
        switch (type) {
            case AP -> aggregation(b, offset + NAL_HEADER_LENGTH, length - NAL_HEADER_LENGTH);
            case FU -> fragment(b, offset, length);
            case PACI -> broken(UNSUPPORTED);
            default -> {
                if (type > PACI) {
                    broken(UNSUPPORTED);
                } else {
                    addNal(b, offset, length);
                }
            }
        }
    }

    private void aggregation(DirectBuffer b, int offset, int length) {
        int pos = offset;
        int end = offset + length;
        boolean first = true;
        while (pos < end) {
            pos += donlPresent ? (first ? DONL_LENGTH : DOND_LENGTH) : 0;
            if (end - pos < AP_SIZE_LENGTH) {
                if (first) {
                    broken(MALFORMED);
                }
                return;
            }
            int size = b.getShort(pos, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            pos += AP_SIZE_LENGTH;
            if (size < NAL_HEADER_LENGTH || size > end - pos) {
                broken(MALFORMED);
                return;
            }
            addNal(b, pos, size);
            pos += size;
            first = false;
        }
    }

    private void fragment(DirectBuffer b, int offset, int length) {
        int headerLength = NAL_HEADER_LENGTH + 1 + (donlPresent ? DONL_LENGTH : 0);
        if (length <= headerLength) {
            broken(MALFORMED);
            return;
        }
        int fuHeader = b.getByte(offset + NAL_HEADER_LENGTH) & 0xFF;
        boolean start = (fuHeader & FU_START) != 0;
        boolean end = (fuHeader & FU_END) != 0;
        if (start) {
            if (au.hasOpenNal()) {
                au.endNal();
                broken(MALFORMED);
            }
            int header0 = (b.getByte(offset) & 0x81) | ((fuHeader & FU_TYPE_MASK) << 1);
            if (!au.beginNal() || !au.appendByte(header0) || !au.appendByte(b.getByte(offset + 1))) {
                broken(TOO_LARGE);
                return;
            }
        } else if (!au.hasOpenNal()) {
            auBroken = true; // the start fragment was lost
            return;
        }
        if (!au.append(b, offset + headerLength, length - headerLength)) {
            au.endNal();
            broken(TOO_LARGE);
            return;
        }
        if (end) {
            int nalStart = au.endNal();
            noteNal(au.buffer(), nalStart,
                    au.buffer().getInt(nalStart - AvccAccessUnitWriter.LENGTH_PREFIX, ByteOrder.BIG_ENDIAN));
        }
    }

    private void addNal(DirectBuffer b, int offset, int length) {
        if (!au.appendNal(b, offset, length)) {
            broken(TOO_LARGE);
            return;
        }
        noteNal(b, offset, length);
    }

    private void noteNal(DirectBuffer b, int offset, int length) {
        int type = (b.getByte(offset) >> 1) & 0x3F;
        if (type <= NAL_VCL_LAST) {
            auHasVcl = true;
            auHasIrap |= type >= NAL_IRAP_FIRST && type <= NAL_IRAP_LAST;
            return;
        }
        int slot = slotOf(type);
        if (slot >= 0) {
            parameterSets.store(slot, b, offset, length);
            auHasVps |= slot == VPS;
            auHasSps |= slot == SPS;
            auHasPps |= slot == PPS;
        }
    }

    /** Marks the access unit broken; its first fault is counted, later ones (more packets of it) are not. */
    private void broken(int status) {
        auBroken = true;
        payloadStatus = status;
        if (auFaultCounted) {
            return;
        }
        auFaultCounted = true;
        counts.fault(status);
    }

    private int finishAccessUnit() {
        int status;
        if (auBroken || au.hasOpenNal()) {
            counts.dropped();
            waitingForKeyframe = true;
            status = DROPPED;
        } else if (!auHasVcl) {
            status = OK;
        } else if (waitingForKeyframe && !auHasIrap) {
            counts.skippedUntilKeyframe();
            status = DROPPED;
        } else {
            if (auHasIrap) {
                // Prepended in reverse so the unit reads [AUD,] VPS, SPS, PPS, then the rest (H.265 §7.4.2.4.4).
                boolean missing = (!auHasVps && parameterSets.has(VPS)) || (!auHasSps && parameterSets.has(SPS))
                        || (!auHasPps && parameterSets.has(PPS));
                boolean audFirst = au.firstNalLength() > 0 && ((au.firstNalHeader() >> 1) & 0x3F) == NAL_AUD;
                int audLength = missing && audFirst ? au.removeFirstNal(aud) : 0;
                prependIfMissing(auHasPps, PPS);
                prependIfMissing(auHasSps, SPS);
                prependIfMissing(auHasVps, VPS);
                if (audLength > 0) {
                    au.prepend(aud, 0, audLength);
                }
                waitingForKeyframe = false;
            }
            sink.onAccessUnit(track, auTimestamp, auTimestamp, auHasIrap, au.buffer(), au.offset(), au.length());
            counts.published();
            status = PUBLISHED;
        }
        resetAccessUnit();
        return status;
    }

    private void prependIfMissing(boolean present, int slot) {
        if (!present && parameterSets.has(slot)) {
            au.prepend(parameterSets.buffer(slot), 0, parameterSets.length(slot));
        }
    }

    private void resetAccessUnit() {
        au.reset();
        auOpen = false;
        auBroken = false;
        auFaultCounted = false;
        auHasVcl = false;
        auHasIrap = false;
        auHasVps = false;
        auHasSps = false;
        auHasPps = false;
    }

    @Override
    public int flush() {
        return auOpen ? finishAccessUnit() : OK;
    }

    @Override
    public void reset() {
        resetAccessUnit();
        timestamps.reset();
        counts.restartSequence();
        waitingForKeyframe = true;
    }

    @Override
    public DepacketizerCounts counts() {
        return counts;
    }

    public long malformedPackets() {
        return counts.malformed();
    }

    public long unsupportedPackets() {
        return counts.unsupported();
    }

    public long accessUnitsTooLarge() {
        return counts.tooLarge();
    }
}
