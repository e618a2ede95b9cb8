package dev.camrelay.core.media;

import java.util.Arrays;

/**
 * One whole access unit (a video frame or an audio frame) as an immutable control-plane value: used by tests,
 * the demo camera's loader and tools. The hot path never builds these; it publishes straight from the
 * depacketizer's buffer into {@code StreamBuffer.publish(...)}.
 *
 * <p>Payload format: video access units are a sequence of NAL units, each prefixed by its length as a 4-byte
 * big-endian integer (the "AVCC" form of ISO/IEC 14496-15); a keyframe carries its parameter sets in-band before
 * the IDR slice. Audio access units are one raw codec frame (AAC without ADTS, one Opus packet, G.711 bytes).
 *
 * @param track    track index within the stream
 * @param pts      presentation time in the track's clock units
 * @param dts      decode time in the track's clock units
 * @param keyframe true at a resync point of the stream: H.264 IDR, H.265 IRAP; audio frames only in an
 *                 audio-only stream (in a stream with video, readers resync at video keyframes)
 * @param payload  the bytes; copied on construction
 */
public record AccessUnit(int track, long pts, long dts, boolean keyframe, byte[] payload) {

    public AccessUnit {
        payload = Arrays.copyOf(payload, payload.length);
    }

    @Override
    public byte[] payload() {
        return Arrays.copyOf(payload, payload.length);
    }

    public int size() {
        return payload.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AccessUnit a && a.track == track && a.pts == pts && a.dts == dts
                && a.keyframe == keyframe && Arrays.equals(a.payload, payload);
    }

    @Override
    public int hashCode() {
        return ((Long.hashCode(pts) * 31 + track) * 31 + Boolean.hashCode(keyframe)) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "AccessUnit[track=" + track + ", pts=" + pts + ", dts=" + dts + ", keyframe=" + keyframe
                + ", size=" + payload.length + "]";
    }
}
