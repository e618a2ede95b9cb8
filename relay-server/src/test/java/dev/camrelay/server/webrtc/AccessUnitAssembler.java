package dev.camrelay.server.webrtc;

import dev.camrelay.core.codec.h264.SeiCameraTag;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The player's H.264 depacketizer (RFC 6184 §5.6-5.8): single NAL units, STAP-A and FU-A back into NAL units, grouped
 * into access units by RTP timestamp and closed by the marker bit; then each access unit's SEI camera tag is read.
 * An access unit with a sequence gap inside is counted as broken, not assembled. Single-threaded (the client's
 * receive loop).
 */
final class AccessUnitAssembler {

    private static final int STAP_A = 24;
    private static final int FU_A = 28;

    final Map<String, Integer> framesByTag = new TreeMap<>();
    int frames;
    /** {@code System.nanoTime()} when the first whole access unit was assembled, 0 before. */
    long firstFrameNanos;
    int untaggedFrames;
    int brokenFrames;
    int keyframes;
    long packets;
    long lostPackets;
    /** Packets older than the newest seen: retransmissions (RFC 4585 NACK answers) or duplicates. */
    long latePackets;
    int lastSsrc;
    /** The answer's RTX payload type (RFC 4588), or -1: such packets are retransmissions, not new media. */
    int rtxPayloadType = -1;
    /** The video payload type; packets of other types (audio) are counted, not assembled. */
    int videoPayloadType = -1;
    long rtxPackets;
    long otherPackets;
    /** Non-video packets (audio): payload type, sequence number, timestamp and payload length of the first 200. */
    final List<int[]> otherPacketHeaders = new ArrayList<>();
    final List<Integer> rtxOriginalSequences = new ArrayList<>();

    int lastSequence() {
        return lastSequence;
    }

    private final List<byte[]> nals = new ArrayList<>();
    private byte[] fragment;
    private int fragmentLength;
    private int lastSequence = -1;
    private long timestamp = -1;
    private boolean broken;

    /** One decrypted RTP packet. */
    void onRtp(byte[] p, int length) {
        int header = 12 + 4 * (p[0] & 0x0F);
        if ((p[0] & 0x10) != 0) {
            header += 4 + 4 * (((p[header + 2] & 0xFF) << 8) | (p[header + 3] & 0xFF));
        }
        int payloadType = p[1] & 0x7F;
        if (payloadType == rtxPayloadType) {
            rtxPackets++;
            latePackets++;
            rtxOriginalSequences.add(((p[header] & 0xFF) << 8) | (p[header + 1] & 0xFF));
            return;
        }
        if (videoPayloadType >= 0 && payloadType != videoPayloadType) {
            otherPackets++;
            if (otherPacketHeaders.size() < 200) {
                otherPacketHeaders.add(new int[] {payloadType, ((p[2] & 0xFF) << 8) | (p[3] & 0xFF),
                    ((p[4] & 0xFF) << 24) | ((p[5] & 0xFF) << 16) | ((p[6] & 0xFF) << 8) | (p[7] & 0xFF),
                    length - header, (p[1] & 0x80) != 0 ? 1 : 0});
            }
            return;
        }
        int sequence = ((p[2] & 0xFF) << 8) | (p[3] & 0xFF);
        long ts = ((p[4] & 0xFFL) << 24) | ((p[5] & 0xFF) << 16) | ((p[6] & 0xFF) << 8) | (p[7] & 0xFF);
        boolean marker = (p[1] & 0x80) != 0;
        packets++;
        boolean gapHere = false;
        if (lastSequence >= 0) {
            int gap = (sequence - lastSequence - 1) & 0xFFFF;
            if (gap > 0x8000) {
                latePackets++; // late or duplicate (a retransmission of something already handled)
                return;
            }
            if (gap > 0) {
                lostPackets += gap;
                gapHere = true;
            }
        }
        lastSequence = sequence;
        lastSsrc = ((p[8] & 0xFF) << 24) | ((p[9] & 0xFF) << 16) | ((p[10] & 0xFF) << 8) | (p[11] & 0xFF);
        if (ts != timestamp) {
            if (!nals.isEmpty()) {
                brokenFrames++; // the previous access unit never saw its marker
            }
            nals.clear();
            fragment = null;
            broken = gapHere;
            timestamp = ts;
        } else if (gapHere) {
            broken = true;
        }
        payload(p, header, length);
        if (marker) {
            complete();
        }
    }

    private void payload(byte[] p, int from, int to) {
        if (to <= from) {
            broken = true;
            return;
        }
        int type = p[from] & 0x1F;
        if (type == STAP_A) {
            int at = from + 1;
            while (at + 2 <= to) {
                int size = ((p[at] & 0xFF) << 8) | (p[at + 1] & 0xFF);
                if (at + 2 + size > to) {
                    broken = true;
                    return;
                }
                nals.add(Arrays.copyOfRange(p, at + 2, at + 2 + size));
                at += 2 + size;
            }
        } else if (type == FU_A) {
            boolean start = (p[from + 1] & 0x80) != 0;
            boolean end = (p[from + 1] & 0x40) != 0;
            if (start) {
                fragment = new byte[64 * 1024];
                fragment[0] = (byte) ((p[from] & 0xE0) | (p[from + 1] & 0x1F));
                fragmentLength = 1;
            } else if (fragment == null) {
                broken = true;
                return;
            }
            int n = to - from - 2;
            if (fragmentLength + n > fragment.length) {
                fragment = Arrays.copyOf(fragment, (fragmentLength + n) * 2);
            }
            System.arraycopy(p, from + 2, fragment, fragmentLength, n);
            fragmentLength += n;
            if (end) {
                nals.add(Arrays.copyOf(fragment, fragmentLength));
                fragment = null;
            }
        } else {
            nals.add(Arrays.copyOfRange(p, from, to));
        }
    }

    private void complete() {
        if (broken || fragment != null) {
            brokenFrames++;
        } else {
            if (frames++ == 0) {
                firstFrameNanos = System.nanoTime();
            }
            if (nals.stream().anyMatch(n -> (n[0] & 0x1F) == 5)) {
                keyframes++;
            }
            Optional<String> tag = SeiCameraTag.find(nals);
            if (tag.isPresent()) {
                framesByTag.merge(tag.get(), 1, Integer::sum);
            } else {
                untaggedFrames++;
            }
        }
        nals.clear();
        fragment = null;
        broken = false;
        timestamp = -1;
    }
}
