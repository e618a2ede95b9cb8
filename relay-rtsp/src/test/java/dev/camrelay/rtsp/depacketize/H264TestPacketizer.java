package dev.camrelay.rtsp.depacketize;

import dev.camrelay.rtsp.rtp.TestRtp;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-side RFC 6184 packetizer (non-interleaved mode): NAL units that fit together go in one STAP-A (§5.7.1), a
 * lone small one as a single NAL unit packet (§5.6), larger ones as FU-A (§5.8); the marker on the last packet.
 */
final class H264TestPacketizer {

    private final int maxPayload;
    private int sequence;

    H264TestPacketizer(int maxPayload, int firstSequence) {
        this.maxPayload = maxPayload;
        this.sequence = firstSequence;
    }

    List<byte[]> packetize(List<byte[]> nals, long timestamp) {
        List<byte[]> payloads = new ArrayList<>();
        int i = 0;
        while (i < nals.size()) {
            byte[] nal = nals.get(i);
            if (nal.length > maxPayload) {
                fuA(nal, payloads);
                i++;
                continue;
            }
            int j = i;
            int size = 1;
            while (j < nals.size() && nals.get(j).length <= maxPayload && size + 2 + nals.get(j).length <= maxPayload) {
                size += 2 + nals.get(j).length;
                j++;
            }
            if (j - i >= 2) {
                ByteArrayOutputStream stap = new ByteArrayOutputStream();
                int nri = 0;
                for (int k = i; k < j; k++) {
                    nri = Math.max(nri, nals.get(k)[0] & 0x60);
                }
                stap.write(nri | 24);
                for (int k = i; k < j; k++) {
                    stap.write(nals.get(k).length >> 8);
                    stap.write(nals.get(k).length & 0xFF);
                    stap.writeBytes(nals.get(k));
                }
                payloads.add(stap.toByteArray());
                i = j;
            } else {
                payloads.add(nal);
                i++;
            }
        }
        List<byte[]> packets = new ArrayList<>();
        for (int k = 0; k < payloads.size(); k++) {
            packets.add(TestRtp.packet(sequence++ & 0xFFFF, timestamp & 0xFFFF_FFFFL, k == payloads.size() - 1,
                    payloads.get(k)));
        }
        return packets;
    }

    private void fuA(byte[] nal, List<byte[]> payloads) {
        int indicator = (nal[0] & 0xE0) | 28;
        int type = nal[0] & 0x1F;
        int pos = 1;
        int chunk = maxPayload - 2;
        while (pos < nal.length) {
            int n = Math.min(chunk, nal.length - pos);
            ByteBuffer b = ByteBuffer.allocate(2 + n);
            int header = type | (pos == 1 ? 0x80 : 0) | (pos + n == nal.length ? 0x40 : 0);
            b.put((byte) indicator).put((byte) header).put(nal, pos, n);
            payloads.add(b.array());
            pos += n;
        }
    }

    /** The AVCC form of an access unit: each NAL unit after its 4-byte big-endian length. */
    static byte[] avcc(List<byte[]> nals) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] nal : nals) {
            out.writeBytes(ByteBuffer.allocate(4).putInt(nal.length).array());
            out.writeBytes(nal);
        }
        return out.toByteArray();
    }
}
