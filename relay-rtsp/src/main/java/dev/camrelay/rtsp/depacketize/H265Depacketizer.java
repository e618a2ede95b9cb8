package dev.camrelay.rtsp.depacketize;

import dev.camrelay.rtsp.rtp.RtpPacket;
import java.nio.ByteOrder;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Threading: confined to the track's receive thread; allocates nothing per packet.
 *
 * <p>H.265 over RTP (RFC 7798) to AVCC-style (4-byte length) access units: single NAL unit packets (§4.4.1),
 * aggregation packets (AP, type 48, §4.4.2) and fragmentation units (FU, type 49, §4.4.3), with the DONL/DOND
 * fields when {@code sprop-max-don-diff} is above 0 (§4.4, §7.1). A keyframe is an access unit with an IRAP picture
 * (NAL types 16..23, H.265 §7.4.2.2); the latest VPS, SPS and PPS (SDP {@code sprop-vps/sps/pps}, then in-band,
 * which wins) are put in front of an IRAP access unit that lacks them. PACI packets (type 50, §4.4.4) are reported
 * {@link #UNSUPPORTED}. Access-unit boundaries and loss are {@link NalAccessUnitAssembler}'s, as for H.264.
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

    /** Parameter-set slots in decoding order. */
    private static final int VPS = 0;
    private static final int SPS = 1;
    private static final int PPS = 2;

    private final boolean donlPresent;
    private final NalAccessUnitAssembler assembler;

    /**
     * @param maxDonDiff the SDP's {@code sprop-max-don-diff}: above 0, every AP and FU carries DONL (RFC 7798 §4.4)
     */
    public H265Depacketizer(int track, AccessUnitSink sink, int maxDonDiff) {
        this.donlPresent = maxDonDiff > 0;
        this.assembler = new NalAccessUnitAssembler(track, sink, new Syntax(), 3, MAX_ACCESS_UNIT_LENGTH,
                MAX_NALS_PER_ACCESS_UNIT);
    }

    /** Seeds VPS/SPS/PPS from the SDP (RFC 7798 §7.1); control plane, before the first packet. */
    public void setParameterSets(List<byte[]> nalUnits) {
        for (byte[] nal : nalUnits) {
            if (nal.length >= NAL_HEADER_LENGTH) {
                int slot = slotOf(nalType(nal[0]));
                if (slot >= 0) {
                    assembler.parameterSets().store(slot, new UnsafeBuffer(nal), 0, nal.length);
                }
            }
        }
    }

    /** The latest VPS, SPS and PPS, or an empty list until all three are known; control plane. */
    public List<byte[]> parameterSets() {
        ParameterSetCache sets = assembler.parameterSets();
        return sets.has(VPS) && sets.has(SPS) && sets.has(PPS)
                ? List.of(sets.copy(VPS), sets.copy(SPS), sets.copy(PPS)) : List.of();
    }

    private static int nalType(byte header0) {
        return (header0 >> 1) & 0x3F;
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
        return assembler.onPacket(packet);
    }

    /** RFC 7798's payload formats and H.265's NAL unit types for the assembler. */
    private final class Syntax implements NalAccessUnitAssembler.NalUnitSyntax {

        @Override
        public void payload(DirectBuffer b, int offset, int length) {
            if (length < NAL_HEADER_LENGTH + 1) {
                assembler.broken(MALFORMED);
                return;
            }
            int type = nalType(b.getByte(offset));
            if (type != FU) {
                assembler.closeUnfinishedFragment();
            }
            switch (type) {
                case AP -> aggregation(b, offset + NAL_HEADER_LENGTH, length - NAL_HEADER_LENGTH);
                case FU -> fragment(b, offset, length);
                case PACI -> assembler.broken(UNSUPPORTED);
                default -> {
                    if (type > PACI) {
                        assembler.broken(UNSUPPORTED);
                    } else {
                        assembler.addNal(b, offset, length);
                    }
                }
            }
        }

        @Override
        public int classify(DirectBuffer b, int offset) {
            int type = nalType(b.getByte(offset));
            if (type <= NAL_VCL_LAST) {
                return type >= NAL_IRAP_FIRST && type <= NAL_IRAP_LAST ? KEYFRAME_VCL : VCL;
            }
            int slot = slotOf(type);
            return slot >= 0 ? slot : OTHER;
        }

        @Override
        public boolean isAccessUnitDelimiter(int header) {
            return ((header >> 1) & 0x3F) == NAL_AUD;
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
                    assembler.broken(MALFORMED);
                }
                return;
            }
            int size = b.getShort(pos, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            pos += AP_SIZE_LENGTH;
            if (size < NAL_HEADER_LENGTH || size > end - pos) {
                assembler.broken(MALFORMED);
                return;
            }
            assembler.addNal(b, pos, size);
            pos += size;
            first = false;
        }
    }

    private void fragment(DirectBuffer b, int offset, int length) {
        int headerLength = NAL_HEADER_LENGTH + 1 + (donlPresent ? DONL_LENGTH : 0);
        if (length <= headerLength) {
            assembler.broken(MALFORMED);
            return;
        }
        int fuHeader = b.getByte(offset + NAL_HEADER_LENGTH) & 0xFF;
        if ((fuHeader & FU_START) != 0) {
            int header0 = (b.getByte(offset) & 0x81) | ((fuHeader & FU_TYPE_MASK) << 1);
            if (!assembler.beginFragment(header0, b.getByte(offset + 1), 2)) {
                return;
            }
        } else if (!assembler.hasOpenFragment()) {
            assembler.startLost(); // the start fragment was lost
            return;
        }
        assembler.appendFragment(b, offset + headerLength, length - headerLength, (fuHeader & FU_END) != 0);
    }

    @Override
    public int flush() {
        return assembler.flush();
    }

    @Override
    public void reset() {
        assembler.reset();
    }

    @Override
    public DepacketizerCounts counts() {
        return assembler.counts();
    }
}
