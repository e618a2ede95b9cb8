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
 * <p>H.264 over RTP (RFC 6184) to AVCC access units: single NAL unit packets (§5.6), STAP-A (§5.7.1, zero padding
 * after the last unit allowed) and FU-A (§5.8, start and end in one fragment accepted). An access unit ends at the
 * marker bit (§5.1) or, for cameras that send no marker, when the timestamp changes; a marker on a packet with
 * only SPS/PPS/SEI is ignored (protocols.md 3.1, 3.2). A keyframe is an access unit with an IDR slice; the latest
 * SPS and PPS (from the SDP's {@code sprop-parameter-sets}, then in-band, which wins) are put in front of an IDR
 * that lacks them.
 *
 * <p>Loss: any sequence gap breaks the access unit it may belong to (the open one and the next one); a broken unit
 * is dropped, and so is every unit after it until the next keyframe, since they reference what was lost.
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

    private static final int SPS = 0;
    private static final int PPS = 1;

    private final int track;
    private final AccessUnitSink sink;
    private final ParameterSetCache parameterSets = new ParameterSetCache(2);
    private final AvccAccessUnitWriter au = new AvccAccessUnitWriter(
            2 * (AvccAccessUnitWriter.LENGTH_PREFIX + ParameterSetCache.MAX_PARAMETER_SET_LENGTH),
            MAX_ACCESS_UNIT_LENGTH, MAX_NALS_PER_ACCESS_UNIT);
    private final RtpTimestampUnwrapper timestamps = new RtpTimestampUnwrapper();
    /** An access unit delimiter kept aside while parameter sets go in front of it. */
    private final UnsafeBuffer aud = new UnsafeBuffer(new byte[ParameterSetCache.MAX_PARAMETER_SET_LENGTH]);
    private final AnnexB.NalConsumer annexBNal = this::addNalFromAnnexB;

    private boolean auOpen;
    private long auTimestamp;
    private boolean auBroken;
    private boolean auHasVcl;
    private boolean auHasIdr;
    private boolean auHasSps;
    private boolean auHasPps;
    private boolean auFaultCounted;
    private boolean waitingForKeyframe = true;
    private int payloadStatus;

    private final DepacketizerCounts counts = new DepacketizerCounts();

    public H264Depacketizer(int track, AccessUnitSink sink) {
        this.track = track;
        this.sink = sink;
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
                    parameterSets.store(SPS, new UnsafeBuffer(nal), 0, nal.length);
                } else if (type == NAL_PPS) {
                    parameterSets.store(PPS, new UnsafeBuffer(nal), 0, nal.length);
                }
            }
        }
    }

    /** The latest SPS and PPS (in-band or SDP) for building the track format; control plane. */
    public List<byte[]> parameterSets() {
        return parameterSets.has(SPS) && parameterSets.has(PPS)
                ? List.of(parameterSets.copy(SPS), parameterSets.copy(PPS)) : List.of();
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
                auTimestamp = timestamp; // parameter sets or SEI sent ahead of the slices: keep them
            } else {
                status = finishAccessUnit();
            }
        }
        if (!auOpen) {
            auOpen = true;
            auTimestamp = timestamp;
        }
        auBroken |= loss; // the lost packet may have belonged to this access unit too
        payloadStatus = OK;
        payload(packet.buffer(), packet.payloadOffset(), packet.payloadLength());
        if (packet.marker() && auHasVcl && !au.hasOpenNal()) {
            int finished = finishAccessUnit();
            status = status == OK || finished == PUBLISHED ? finished : status;
        }
        return payloadStatus != OK ? payloadStatus : status;
    }

    private void payload(DirectBuffer b, int offset, int length) {
        if (length < 1) {
            broken(MALFORMED);
            return;
        }
        int type = b.getByte(offset) & NAL_TYPE_MASK;
        if (au.hasOpenNal() && type != FU_A) {
            au.endNal();
            broken(MALFORMED); // a fragmented NAL unit was not finished
        }
        switch (type) {
            case STAP_A -> stapA(b, offset + 1, length - 1);
            case FU_A -> fuA(b, offset, length);
            case STAP_B, MTAP16, MTAP24, FU_B -> broken(UNSUPPORTED);
            case 0 -> {
                if (AnnexB.startsWithStartCode(b, offset, length)) {
                    AnnexB.forEachNal(b, offset, length, annexBNal);
                } else {
                    broken(MALFORMED);
                }
            }
            default -> {
                if (type > FU_B) {
                    broken(UNSUPPORTED);
                } else {
                    addNal(b, offset, length);
                }
            }
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
                broken(MALFORMED);
                return;
            }
            addNal(b, pos, size);
            pos += size;
        }
    }

    private void fuA(DirectBuffer b, int offset, int length) {
        if (length <= FU_HEADER_LENGTH) {
            broken(MALFORMED);
            return;
        }
        int indicator = b.getByte(offset) & 0xFF;
        int header = b.getByte(offset + 1) & 0xFF;
        boolean start = (header & FU_START) != 0;
        boolean end = (header & FU_END) != 0;
        if (start) {
            if (au.hasOpenNal()) {
                au.endNal();
                broken(MALFORMED);
            }
            if (!au.beginNal() || !au.appendByte((indicator & ~NAL_TYPE_MASK) | (header & NAL_TYPE_MASK))) {
                broken(TOO_LARGE);
                return;
            }
        } else if (!au.hasOpenNal()) {
            auBroken = true; // a middle or end fragment without its start: the start was lost
            return;
        }
        if (!au.append(b, offset + FU_HEADER_LENGTH, length - FU_HEADER_LENGTH)) {
            au.endNal();
            broken(TOO_LARGE);
            return;
        }
        if (end) {
            int nalStart = au.endNal();
            noteNal(au.buffer(), nalStart, au.buffer().getInt(nalStart - AvccAccessUnitWriter.LENGTH_PREFIX,
                    ByteOrder.BIG_ENDIAN));
        }
    }

    private boolean addNalFromAnnexB(DirectBuffer b, int offset, int length) {
        addNal(b, offset, length);
        return true;
    }

    private void addNal(DirectBuffer b, int offset, int length) {
        if (!au.appendNal(b, offset, length)) {
            broken(TOO_LARGE);
            return;
        }
        noteNal(b, offset, length);
    }

    private void noteNal(DirectBuffer b, int offset, int length) {
        int type = b.getByte(offset) & NAL_TYPE_MASK;
        if (type >= NAL_SLICE && type <= NAL_IDR) {
            auHasVcl = true;
            auHasIdr |= type == NAL_IDR;
        } else if (type == NAL_SPS) {
            auHasSps = true;
            parameterSets.store(SPS, b, offset, length);
        } else if (type == NAL_PPS) {
            auHasPps = true;
            parameterSets.store(PPS, b, offset, length);
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
        } else if (waitingForKeyframe && !auHasIdr) {
            counts.skippedUntilKeyframe();
            status = DROPPED;
        } else {
            if (auHasIdr) {
                // Prepended in reverse: the result reads [AUD,] SPS, PPS, then the rest (H.264 §7.4.1.2.3).
                boolean missing = (!auHasPps && parameterSets.has(PPS)) || (!auHasSps && parameterSets.has(SPS));
                boolean audFirst = au.firstNalLength() > 0 && (au.firstNalHeader() & NAL_TYPE_MASK) == NAL_AUD;
                int audLength = missing && audFirst ? au.removeFirstNal(aud) : 0;
                if (!auHasPps && parameterSets.has(PPS)) {
                    au.prepend(parameterSets.buffer(PPS), 0, parameterSets.length(PPS));
                }
                if (!auHasSps && parameterSets.has(SPS)) {
                    au.prepend(parameterSets.buffer(SPS), 0, parameterSets.length(SPS));
                }
                if (audLength > 0) {
                    au.prepend(aud, 0, audLength);
                }
                waitingForKeyframe = false;
            }
            sink.onAccessUnit(track, auTimestamp, auTimestamp, auHasIdr, au.buffer(), au.offset(), au.length());
            counts.published();
            status = PUBLISHED;
        }
        resetAccessUnit();
        return status;
    }

    private void resetAccessUnit() {
        au.reset();
        auOpen = false;
        auBroken = false;
        auFaultCounted = false;
        auHasVcl = false;
        auHasIdr = false;
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
