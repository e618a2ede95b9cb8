package dev.camrelay.rtsp.depacketize;

import dev.camrelay.rtsp.rtp.RtpPacket;
import dev.camrelay.rtsp.rtp.RtpTimestampUnwrapper;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Threading: confined to the owning depacketizer's thread; allocates nothing per packet.
 *
 * <p>What the H.264 (RFC 6184) and H.265 (RFC 7798) depacketizers share: access units of NAL units in AVCC form,
 * ended by the marker bit (RFC 6184 §5.1, RFC 7798 §4.1) or, for cameras that send none, by a timestamp change; a
 * marker on a unit with only non-VCL NAL units (parameter sets, SEI) ignored (protocols.md 3.1, 3.2); the latest
 * parameter sets kept and put, in decoding order, in front of a keyframe that lacks them (after its access unit
 * delimiter, if it has one); and loss: any sequence gap breaks the access unit it may belong to (the open one and
 * the next one), a broken unit is dropped, and so is every unit after it until the next keyframe. The codec's
 * {@link NalUnitSyntax} reads its payload formats into the assembler and says what each NAL unit is.
 */
final class NalAccessUnitAssembler {

    /** How a codec reads RTP payloads and classifies NAL units. */
    interface NalUnitSyntax {
        /** What {@link #classify} answers for a NAL unit that is neither VCL nor a parameter set. */
        int OTHER = -1;
        /** A slice of a picture (H.264 types 1-5, H.265 0-31). */
        int VCL = -2;
        /** A slice of a keyframe (H.264 IDR, H.265 IRAP). */
        int KEYFRAME_VCL = -3;

        /** One RTP payload: its NAL units go to the assembler ({@link #addNal}, fragments, {@link #broken}). */
        void payload(DirectBuffer b, int offset, int length);

        /** {@link #VCL}, {@link #KEYFRAME_VCL}, the parameter-set slot (0..n-1, decoding order) or {@link #OTHER}. */
        int classify(DirectBuffer b, int offset);

        /** True if a NAL unit whose first header byte is {@code header} is an access unit delimiter. */
        boolean isAccessUnitDelimiter(int header);
    }

    private final int track;
    private final AccessUnitSink sink;
    private final NalUnitSyntax syntax;
    private final ParameterSetCache parameterSets;
    private final AvccAccessUnitWriter au;
    private final RtpTimestampUnwrapper timestamps = new RtpTimestampUnwrapper();
    private final DepacketizerCounts counts = new DepacketizerCounts();
    /** An access unit delimiter kept aside while parameter sets go in front of it. */
    private final UnsafeBuffer aud = new UnsafeBuffer(new byte[ParameterSetCache.MAX_PARAMETER_SET_LENGTH]);

    private boolean auOpen;
    private long auTimestamp;
    private boolean auBroken;
    private boolean auHasVcl;
    private boolean auKeyframe;
    /** Bit i: parameter set slot i is in this access unit. */
    private int auParameterSets;
    private boolean auFaultCounted;
    private boolean waitingForKeyframe = true;
    private int payloadStatus;

    NalAccessUnitAssembler(int track, AccessUnitSink sink, NalUnitSyntax syntax, int parameterSetSlots,
                           int maxLength, int maxNals) {
        this.track = track;
        this.sink = sink;
        this.syntax = syntax;
        this.parameterSets = new ParameterSetCache(parameterSetSlots);
        this.au = new AvccAccessUnitWriter(
                parameterSetSlots * (AvccAccessUnitWriter.LENGTH_PREFIX + ParameterSetCache.MAX_PARAMETER_SET_LENGTH),
                maxLength, maxNals);
    }

    ParameterSetCache parameterSets() {
        return parameterSets;
    }

    DepacketizerCounts counts() {
        return counts;
    }

    int onPacket(RtpPacket packet) {
        boolean loss = counts.gapBefore(packet.sequence());
        int status = RtpDepacketizer.OK;
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
        payloadStatus = RtpDepacketizer.OK;
        syntax.payload(packet.buffer(), packet.payloadOffset(), packet.payloadLength());
        if (packet.marker() && auHasVcl && !au.hasOpenNal()) {
            int finished = finishAccessUnit();
            status = status == RtpDepacketizer.OK || finished == RtpDepacketizer.PUBLISHED ? finished : status;
        }
        return payloadStatus != RtpDepacketizer.OK ? payloadStatus : status;
    }

    /** A whole NAL unit of the access unit. */
    void addNal(DirectBuffer b, int offset, int length) {
        if (!au.appendNal(b, offset, length)) {
            broken(RtpDepacketizer.TOO_LARGE);
            return;
        }
        noteNal(b, offset, length);
    }

    boolean hasOpenFragment() {
        return au.hasOpenNal();
    }

    /**
     * Starts a NAL unit that comes in fragments, with its reconstructed header ({@code headerLength} 1 or 2 bytes:
     * {@code header0}, then {@code header1}). A start while one is open breaks the unit (the end was lost).
     *
     * @return false if the access unit is full (counted); the fragment's bytes must not be appended then
     */
    boolean beginFragment(int header0, int header1, int headerLength) {
        closeUnfinishedFragment();
        if (!au.beginNal() || !au.appendByte(header0) || (headerLength == 2 && !au.appendByte(header1))) {
            if (au.hasOpenNal()) {
                au.endNal();
            }
            broken(RtpDepacketizer.TOO_LARGE);
            return false;
        }
        return true;
    }

    /** More bytes of the open fragmented NAL unit; on {@code last}, the NAL unit is complete. */
    void appendFragment(DirectBuffer b, int offset, int length, boolean last) {
        if (!au.append(b, offset, length)) {
            au.endNal();
            broken(RtpDepacketizer.TOO_LARGE);
            return;
        }
        if (last) {
            int nalStart = au.endNal();
            noteNal(au.buffer(), nalStart,
                    au.buffer().getInt(nalStart - AvccAccessUnitWriter.LENGTH_PREFIX, ByteOrder.BIG_ENDIAN));
        }
    }

    /** A packet that is not a fragment arrived while one was open: that NAL unit lost its end. */
    void closeUnfinishedFragment() {
        if (au.hasOpenNal()) {
            au.endNal();
            broken(RtpDepacketizer.MALFORMED);
        }
    }

    /** A middle or end fragment without its start (which was lost): the unit is broken, nothing counted. */
    void startLost() {
        auBroken = true;
    }

    private void noteNal(DirectBuffer b, int offset, int length) {
        int kind = syntax.classify(b, offset);
        if (kind == NalUnitSyntax.VCL || kind == NalUnitSyntax.KEYFRAME_VCL) {
            auHasVcl = true;
            auKeyframe |= kind == NalUnitSyntax.KEYFRAME_VCL;
        } else if (kind >= 0) {
            parameterSets.store(kind, b, offset, length);
            auParameterSets |= 1 << kind;
        }
    }

    /** Marks the access unit broken; its first fault is counted, later ones (more packets of it) are not. */
    void broken(int status) {
        auBroken = true;
        payloadStatus = status;
        if (!auFaultCounted) {
            auFaultCounted = true;
            counts.fault(status);
        }
    }

    private int finishAccessUnit() {
        int status;
        if (auBroken || au.hasOpenNal()) {
            counts.dropped();
            waitingForKeyframe = true;
            status = RtpDepacketizer.DROPPED;
        } else if (!auHasVcl) {
            status = RtpDepacketizer.OK;
        } else if (waitingForKeyframe && !auKeyframe) {
            counts.skippedUntilKeyframe();
            status = RtpDepacketizer.DROPPED;
        } else {
            if (auKeyframe) {
                prependMissingParameterSets();
                waitingForKeyframe = false;
            }
            sink.onAccessUnit(track, auTimestamp, auTimestamp, auKeyframe, au.buffer(), au.offset(), au.length());
            counts.published();
            status = RtpDepacketizer.PUBLISHED;
        }
        resetAccessUnit();
        return status;
    }

    /**
     * Prepended in reverse so the unit reads [AUD,] the parameter sets in slot order, then the rest (H.264
     * §7.4.1.2.3, H.265 §7.4.2.4.4).
     */
    private void prependMissingParameterSets() {
        boolean missing = false;
        for (int slot = 0; slot < parameterSets.slots(); slot++) {
            missing |= (auParameterSets & (1 << slot)) == 0 && parameterSets.has(slot);
        }
        if (!missing) {
            return;
        }
        boolean audFirst = au.firstNalLength() > 0 && syntax.isAccessUnitDelimiter(au.firstNalHeader());
        int audLength = audFirst ? au.removeFirstNal(aud) : 0;
        for (int slot = parameterSets.slots() - 1; slot >= 0; slot--) {
            if ((auParameterSets & (1 << slot)) == 0 && parameterSets.has(slot)) {
                au.prepend(parameterSets.buffer(slot), 0, parameterSets.length(slot));
            }
        }
        if (audLength > 0) {
            au.prepend(aud, 0, audLength);
        }
    }

    private void resetAccessUnit() {
        au.reset();
        auOpen = false;
        auBroken = false;
        auFaultCounted = false;
        auHasVcl = false;
        auKeyframe = false;
        auParameterSets = 0;
    }

    int flush() {
        return auOpen ? finishAccessUnit() : RtpDepacketizer.OK;
    }

    void reset() {
        resetAccessUnit();
        timestamps.reset();
        counts.restartSequence();
        waitingForKeyframe = true;
    }
}
