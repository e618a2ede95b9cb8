package dev.camrelay.webrtc.rtp;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An independent RFC 6184 receiver for tests: written from the RFC, not from the packetizer, with plain byte arrays.
 * It checks the RTP framing of each packet and rebuilds access units (lists of NALs) at marker bits.
 */
final class TestDepacketizer {

    /** One rebuilt access unit. */
    record Frame(int timestamp, List<byte[]> nals, List<Integer> packetTypes, int firstSequence) {
    }

    final List<Frame> frames = new ArrayList<>();
    final List<Integer> payloadLengths = new ArrayList<>();
    private final int expectedPayloadType;
    private final int expectedSsrc;
    private List<byte[]> nals = new ArrayList<>();
    private List<Integer> types = new ArrayList<>();
    private ByteArrayOutputStream fragment;
    private Integer lastSequence;
    private Integer frameTimestamp;
    private int frameFirstSequence;

    TestDepacketizer(int payloadType, int ssrc) {
        this.expectedPayloadType = payloadType;
        this.expectedSsrc = ssrc;
    }

    void accept(byte[] packet) {
        ByteBuffer b = ByteBuffer.wrap(packet);
        int first = b.get() & 0xFF;
        if (first != 0x80) {
            throw new AssertionError("V=2, no padding/extension/CSRC expected, got " + first);
        }
        int second = b.get() & 0xFF;
        boolean marker = (second & 0x80) != 0;
        if ((second & 0x7F) != expectedPayloadType) {
            throw new AssertionError("payload type " + (second & 0x7F));
        }
        int sequence = b.getShort() & 0xFFFF;
        int timestamp = b.getInt();
        if (b.getInt() != expectedSsrc) {
            throw new AssertionError("ssrc");
        }
        if (lastSequence != null && sequence != ((lastSequence + 1) & 0xFFFF)) {
            throw new AssertionError("sequence gap: " + lastSequence + " -> " + sequence);
        }
        lastSequence = sequence;
        if (frameTimestamp == null) {
            frameTimestamp = timestamp;
            frameFirstSequence = sequence;
        } else if (frameTimestamp != timestamp) {
            throw new AssertionError("timestamp changed inside an access unit");
        }
        byte[] payload = Arrays.copyOfRange(packet, 12, packet.length);
        payloadLengths.add(payload.length);
        int type = payload[0] & 0x1F;
        types.add(type);
        switch (type) {
            case 24 -> {
                int i = 1;
                while (i < payload.length) {
                    int size = ((payload[i] & 0xFF) << 8) | (payload[i + 1] & 0xFF);
                    nals.add(Arrays.copyOfRange(payload, i + 2, i + 2 + size));
                    i += 2 + size;
                }
            }
            case 28 -> {
                boolean start = (payload[1] & 0x80) != 0;
                boolean end = (payload[1] & 0x40) != 0;
                if (start) {
                    fragment = new ByteArrayOutputStream();
                    fragment.write((payload[0] & 0xE0) | (payload[1] & 0x1F));
                } else if (fragment == null) {
                    throw new AssertionError("FU-A continuation without start");
                }
                fragment.write(payload, 2, payload.length - 2);
                if (end) {
                    nals.add(fragment.toByteArray());
                    fragment = null;
                }
            }
            default -> nals.add(payload);
        }
        if (marker) {
            if (fragment != null) {
                throw new AssertionError("marker inside a fragmented NAL");
            }
            frames.add(new Frame(timestamp, nals, types, frameFirstSequence));
            nals = new ArrayList<>();
            types = new ArrayList<>();
            frameTimestamp = null;
        }
    }
}
