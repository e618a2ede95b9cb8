package dev.camrelay.rtsp.rtp;

import java.nio.ByteBuffer;

/** Builds RTP packets for tests. */
public final class TestRtp {

    private TestRtp() {
    }

    public static byte[] packet(int seq, long timestamp, boolean marker, int payloadType, int ssrc, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(12 + payload.length);
        b.put((byte) 0x80);
        b.put((byte) ((marker ? 0x80 : 0) | payloadType));
        b.putShort((short) seq);
        b.putInt((int) timestamp);
        b.putInt(ssrc);
        b.put(payload);
        return b.array();
    }

    public static byte[] packet(int seq, long timestamp, boolean marker, byte[] payload) {
        return packet(seq, timestamp, marker, 96, 0x1234_5678, payload);
    }
}
