package dev.camrelay.rtsp.depacketize;

import dev.camrelay.rtsp.rtp.RtpPacket;
import dev.camrelay.rtsp.rtp.RtpTimestampUnwrapper;
import dev.camrelay.rtsp.sdp.LatmFmtp;
import org.agrona.DirectBuffer;

/**
 * Threading: confined to the track's receive thread; allocates nothing per packet.
 *
 * <p>MPEG-4 audio in LATM over RTP (RFC 6416 §6, formerly RFC 3016 §4; {@code MP4A-LATM} with {@code cpresent=0},
 * {@link LatmFmtp}) to raw AAC frames. Each RTP payload holds AudioMuxElements without their StreamMuxConfig
 * (ISO/IEC 14496-3 §1.7.3.1, muxConfigPresent 0): per sub-frame a PayloadLengthInfo (bytes of 255 continued by the
 * last, smaller one, summed) and then that many bytes of AAC frame. An AudioMuxElement larger than a packet is
 * fragmented over packets of one timestamp, the marker bit on the last (§6.1, §6.2); whole ones may follow each
 * other in one packet. Sub-frames get timestamps {@code ts + i * ticksPerFrame}.
 *
 * <p>An element is checked whole before any of its frames is published: lengths that do not add up to its bytes
 * drop it (counted malformed). Loss: a sequence gap drops the element being reassembled and the element of the
 * packet after the gap (that packet may be the middle of one whose start was lost, and LATM carries nothing that
 * would tell), so a torn frame is never published; audio frames decode independently, so nothing else is lost.
 * The first packet of a stream is taken as one after a gap (the stream may have been joined mid-element): the
 * first element is dropped, about 21 ms of audio.
 */
public final class LatmDepacketizer implements RtpDepacketizer {

    /** Largest AudioMuxElement reassembled (the AAC bound of {@link AacDepacketizer}, per element). */
    public static final int MAX_ELEMENT_LENGTH = AacDepacketizer.MAX_ACCESS_UNIT_LENGTH;
    /** PayloadLengthInfo bytes below this end the length (§1.7.3.1: {@code while (tmp == 255)}). */
    private static final int LENGTH_CONTINUES = 255;

    private final int track;
    private final AccessUnitSink sink;
    private final int subFrames;
    private final boolean otherData;
    private final int ticksPerFrame;
    private final boolean keyframes;
    private final RtpTimestampUnwrapper timestamps = new RtpTimestampUnwrapper();
    private final FragmentedFrame element = new FragmentedFrame(MAX_ELEMENT_LENGTH);
    private final DepacketizerCounts counts = new DepacketizerCounts();
    private boolean started;

    /**
     * @param clockRate the rtpmap clock rate (timestamps of sub-frames are spaced by one frame at it)
     * @param keyframes mark every frame a keyframe: true only for an audio-only stream (see AccessUnit)
     */
    public LatmDepacketizer(int track, AccessUnitSink sink, LatmFmtp fmtp, int clockRate, boolean keyframes) {
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clock rate " + clockRate);
        }
        this.track = track;
        this.sink = sink;
        this.subFrames = fmtp.subFrames();
        this.otherData = fmtp.otherDataPresent();
        this.ticksPerFrame = fmtp.ticksPerFrame(clockRate);
        this.keyframes = keyframes;
    }

    @Override
    public int onPacket(RtpPacket packet) {
        boolean gap = counts.gapBefore(packet.sequence()) || !started;
        started = true;
        long ts = timestamps.unwrap(packet.timestamp());
        int status = OK;
        if (gap) { // after loss, and at the start: the first packet seen may be the middle of an element
            if (element.isOpen()) {
                counts.dropped(); // the element being reassembled lost a piece
            }
            counts.dropped(); // the element of this packet may have lost its start
            element.skip(ts);
            status = DROPPED;
        }
        if (element.skips(ts)) {
            if (packet.marker()) {
                element.endSkip();
            }
            return DROPPED;
        }
        if (element.isOpen() && ts != element.timestamp()) {
            status = finish(); // a sender that set no marker on the last packet: the timestamp moved on
        }
        if (!element.isOpen()) {
            element.start(ts);
        }
        if (!element.append(packet.buffer(), packet.payloadOffset(), packet.payloadLength())) {
            counts.dropped();
            element.skip(ts);
            if (packet.marker()) {
                element.endSkip();
            }
            return counts.fault(TOO_LARGE);
        }
        if (packet.marker()) {
            int finished = finish();
            status = status == OK || finished != OK ? finished : status;
        }
        return status;
    }

    /** Publishes the reassembled elements if their lengths add up, else drops them; closes the element. */
    private int finish() {
        DirectBuffer b = element.buffer();
        int length = element.length();
        long ts = element.timestamp();
        element.close();
        if (length == 0) {
            return OK;
        }
        if (!walk(b, length, ts, false)) {
            counts.dropped();
            return counts.fault(MALFORMED);
        }
        walk(b, length, ts, true);
        return PUBLISHED;
    }

    /**
     * Goes through the AudioMuxElements in {@code b[0, length)}; publishes their frames when {@code publish}.
     * Returns false if a length runs past the end, a frame is empty, or bytes are left that start no element.
     */
    private boolean walk(DirectBuffer b, int length, long ts, boolean publish) {
        int pos = 0;
        int frame = 0;
        while (pos < length) {
            for (int i = 0; i < subFrames; i++) {
                int size = 0;
                int lengthByte;
                do {
                    if (pos >= length) {
                        return false;
                    }
                    lengthByte = b.getByte(pos++) & 0xFF;
                    size += lengthByte;
                } while (lengthByte == LENGTH_CONTINUES);
                if (size == 0 || size > length - pos) {
                    return false;
                }
                if (publish) {
                    long pts = ts + (long) frame * ticksPerFrame;
                    sink.onAccessUnit(track, pts, pts, keyframes, b, pos, size);
                    counts.published();
                }
                frame++;
                pos += size;
            }
            if (otherData) {
                return true; // the rest of the element is other data (not byte lengths); one element per packet
            }
        }
        return true;
    }

    @Override
    public int flush() {
        if (element.isOpen()) {
            element.close();
            counts.dropped();
            return DROPPED; // no marker yet: it may not be whole
        }
        return OK;
    }

    @Override
    public void reset() {
        element.reset();
        started = false;
        counts.restartSequence();
        timestamps.reset();
    }

    @Override
    public DepacketizerCounts counts() {
        return counts;
    }
}
