package dev.camrelay.rtsp.depacketize;

import dev.camrelay.rtsp.rtp.RtpPacket;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Threading: confined to the track's receive thread; allocates nothing per packet.
 *
 * <p>H.264 over RTP (RFC 6184) to AVCC access units: single NAL unit packets (§5.6), STAP-A (§5.7.1, zero padding
 * after the last unit allowed) and FU-A (§5.8, start and end in one fragment accepted); Annex-B start codes inside
 * a payload are split (gortsplib {@code removeAnnexB}). A keyframe is an access unit with an IDR slice; the latest
 * SPS and PPS (from the SDP's {@code sprop-parameter-sets}, then in-band, which wins) are put in front of an IDR
 * that lacks them. Access-unit boundaries and loss are {@link NalAccessUnitAssembler}'s: a unit that may have lost
 * a packet is dropped, and so is every unit after it until the next keyframe, since they reference what was lost.
 * Packetization modes 0 and 1 need nothing else; STAP-B, MTAP and FU-B (interleaved mode, §5.7.2, §5.8) are
 * reported {@link #UNSUPPORTED}.
 */
public final class H264Depacketizer implements RtpDepacketizer {

    /** Largest access unit published; bigger ones are dropped (protocols.md 3.2 "cap AU size"). */
    public static final int MAX_ACCESS_UNIT_LENGTH = 8 * 1024 * 1024;
    /** Most NAL units in one access unit (protocols.md 3.2 "cap NAL count"). */
    public static final int MAX_NALS_PER_ACCESS_UNIT = 1024;

    // NAL unit types: H.264 Table 7-1 and RFC 6184 §5.2 Table 1.
    static final int NAL_SLICE = 1;
    static final int NAL_IDR = 5;
    static final int NAL_SPS = 7;
    static final int NAL_PPS = 8;
    static final int NAL_AUD = 9;
    static final int STAP_A = 24;
    static final int STAP_B = 25;
    static final int MTAP16 = 26;
    static final int MTAP24 = 27;
    static final int FU_A = 28;
    static final int FU_B = 29;
    private static final int NAL_TYPE_MASK = 0x1F;
    private static final int FU_START = 0x80;
    private static final int FU_END = 0x40;
    /** STAP-A unit size field (RFC 6184 §5.7.1). */
    private static final int STAP_SIZE_LENGTH = 2;
    /** FU indicator and FU header (RFC 6184 §5.8). */
    private static final int FU_HEADER_LENGTH = 2;

    /** Parameter-set slots in decoding order. */
    private static final int SPS = 0;
    private static final int PPS = 1;

    private final NalAccessUnitAssembler assembler;
    private final AnnexB.NalConsumer annexBNal = this::addNalFromAnnexB;

    public H264Depacketizer(int track, AccessUnitSink sink) {
        this.assembler = new NalAccessUnitAssembler(track, sink, new Syntax(), 2, MAX_ACCESS_UNIT_LENGTH,
                MAX_NALS_PER_ACCESS_UNIT);
    }

    /**
     * Seeds SPS/PPS from the SDP ({@code sprop-parameter-sets}, RFC 6184 §8.1); other NAL types are ignored.
     * Control plane: call before the first packet.
     */
    public void setParameterSets(List<byte[]> nalUnits) {
        for (byte[] nal : nalUnits) {
            if (nal.length > 0) {
                int type = nal[0] & NAL_TYPE_MASK;
                if (type == NAL_SPS) {
                    assembler.parameterSets().store(SPS, new UnsafeBuffer(nal), 0, nal.length);
                } else if (type == NAL_PPS) {
                    assembler.parameterSets().store(PPS, new UnsafeBuffer(nal), 0, nal.length);
                }
            }
        }
    }

    /** The latest SPS and PPS (in-band or SDP) for building the track format; control plane. */
    public List<byte[]> parameterSets() {
        ParameterSetCache sets = assembler.parameterSets();
        return sets.has(SPS) && sets.has(PPS) ? List.of(sets.copy(SPS), sets.copy(PPS)) : List.of();
    }

    @Override
    public int onPacket(RtpPacket packet) {
        return assembler.onPacket(packet);
    }

    /** RFC 6184's payload formats and H.264's NAL unit types for the assembler. */
    private final class Syntax implements NalAccessUnitAssembler.NalUnitSyntax {

        @Override
        public void payload(DirectBuffer b, int offset, int length) {
            if (length < 1) {
                assembler.broken(MALFORMED);
                return;
            }
            int type = b.getByte(offset) & NAL_TYPE_MASK;
            if (type != FU_A) {
                assembler.closeUnfinishedFragment(); // a fragmented NAL unit was not finished
            }
            switch (type) {
                case STAP_A -> stapA(b, offset + 1, length - 1);
                case FU_A -> fuA(b, offset, length);
                case STAP_B, MTAP16, MTAP24, FU_B -> assembler.broken(UNSUPPORTED);
                case 0 -> {
                    if (AnnexB.startsWithStartCode(b, offset, length)) {
                        AnnexB.forEachNal(b, offset, length, annexBNal);
                    } else {
                        assembler.broken(MALFORMED);
                    }
                }
                default -> {
                    if (type > FU_B) {
                        assembler.broken(UNSUPPORTED);
                    } else {
                        assembler.addNal(b, offset, length);
                    }
                }
            }
        }

        @Override
        public int classify(DirectBuffer b, int offset) {
            int type = b.getByte(offset) & NAL_TYPE_MASK;
            if (type >= NAL_SLICE && type <= NAL_IDR) {
                return type == NAL_IDR ? KEYFRAME_VCL : VCL;
            }
            return type == NAL_SPS ? SPS : type == NAL_PPS ? PPS : OTHER;
        }

        @Override
        public boolean isAccessUnitDelimiter(int header) {
            return (header & NAL_TYPE_MASK) == NAL_AUD;
        }
    }

    private void stapA(DirectBuffer b, int offset, int length) {
        int pos = offset;
        int end = offset + length;
        while (end - pos >= STAP_SIZE_LENGTH) {
            int size = ((b.getByte(pos) & 0xFF) << 8) | (b.getByte(pos + 1) & 0xFF);
            pos += STAP_SIZE_LENGTH;
            if (size == 0) {
                return; // zero padding after the last aggregated unit
            }
            if (size > end - pos) {
                assembler.broken(MALFORMED);
                return;
            }
            assembler.addNal(b, pos, size);
            pos += size;
        }
    }

    private void fuA(DirectBuffer b, int offset, int length) {
        if (length <= FU_HEADER_LENGTH) {
            assembler.broken(MALFORMED);
            return;
        }
        int indicator = b.getByte(offset) & 0xFF;
        int header = b.getByte(offset + 1) & 0xFF;
        if ((header & FU_START) != 0) {
            if (!assembler.beginFragment((indicator & ~NAL_TYPE_MASK) | (header & NAL_TYPE_MASK), 0, 1)) {
                return;
            }
        } else if (!assembler.hasOpenFragment()) {
            assembler.startLost(); // a middle or end fragment without its start: the start was lost
            return;
        }
        assembler.appendFragment(b, offset + FU_HEADER_LENGTH, length - FU_HEADER_LENGTH, (header & FU_END) != 0);
    }

    private boolean addNalFromAnnexB(DirectBuffer b, int offset, int length) {
        assembler.addNal(b, offset, length);
        return true;
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
