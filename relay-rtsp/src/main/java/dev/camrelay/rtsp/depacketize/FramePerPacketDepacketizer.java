package dev.camrelay.rtsp.depacketize;

import dev.camrelay.rtsp.rtp.RtpPacket;
import dev.camrelay.rtsp.rtp.RtpTimestampUnwrapper;

/**
 * Threading: confined to the track's receive thread; allocates nothing per packet.
 *
 * <p>Audio payloads that carry exactly one frame per packet: Opus (RFC 7587 §4.2, one Opus packet; always
 * {@code opus/48000/2} in SDP, §7) and G.711 PCMU/PCMA (RFC 3551 §4.5.14, a run of 8-bit samples; PT 0/8 at
 * 8 kHz, but dynamic types and 16 kHz clocks are accepted: the clock only scales timestamps). Each payload is
 * published as it is, at its unwrapped RTP timestamp. A lost packet loses only its own frame.
 */
public final class FramePerPacketDepacketizer implements RtpDepacketizer {

    private final int track;
    private final AccessUnitSink sink;
    private final boolean keyframes;
    private final RtpTimestampUnwrapper timestamps = new RtpTimestampUnwrapper();
    private final DepacketizerCounts counts = new DepacketizerCounts();
    private long empty;

    /** @param keyframes mark every frame a keyframe: true only for an audio-only stream (see AccessUnit) */
    public FramePerPacketDepacketizer(int track, AccessUnitSink sink, boolean keyframes) {
        this.track = track;
        this.sink = sink;
        this.keyframes = keyframes;
    }

    /** Opus (RFC 7587). */
    public static FramePerPacketDepacketizer opus(int track, AccessUnitSink sink, boolean audioOnly) {
        return new FramePerPacketDepacketizer(track, sink, audioOnly);
    }

    /** G.711 µ-law or A-law (RFC 3551). */
    public static FramePerPacketDepacketizer g711(int track, AccessUnitSink sink, boolean audioOnly) {
        return new FramePerPacketDepacketizer(track, sink, audioOnly);
    }

    @Override
    public int onPacket(RtpPacket packet) {
        counts.gapBefore(packet.sequence()); // a lost packet loses only its own frame
        long timestamp = timestamps.unwrap(packet.timestamp());
        if (packet.payloadLength() == 0) {
            empty++; // Opus DTX or keepalive: nothing to publish (RFC 7587 §4.2 allows no empty packet, cameras do)
            return OK;
        }
        sink.onAccessUnit(track, timestamp, timestamp, keyframes, packet.buffer(), packet.payloadOffset(),
                packet.payloadLength());
        counts.published();
        return PUBLISHED;
    }

    @Override
    public int flush() {
        return OK;
    }

    @Override
    public void reset() {
        counts.restartSequence();
        timestamps.reset();
    }

    @Override
    public DepacketizerCounts counts() {
        return counts;
    }

    public long emptyPackets() {
        return empty;
    }
}
