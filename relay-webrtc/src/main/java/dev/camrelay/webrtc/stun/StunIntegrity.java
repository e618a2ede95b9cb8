package dev.camrelay.webrtc.stun;

import static dev.camrelay.webrtc.stun.StunDescriptor.ATTRIBUTE_HEADER_LENGTH;
import static dev.camrelay.webrtc.stun.StunDescriptor.FINGERPRINT_XOR;
import static dev.camrelay.webrtc.stun.StunDescriptor.HEADER_LENGTH;
import static dev.camrelay.webrtc.stun.StunDescriptor.LENGTH_OFFSET;
import static dev.camrelay.webrtc.stun.StunDescriptor.MESSAGE_INTEGRITY_LENGTH;

import java.util.zip.CRC32;
import org.agrona.DirectBuffer;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * MESSAGE-INTEGRITY (HMAC-SHA1, RFC 8489 §14.5) and FINGERPRINT (CRC-32, §14.7) over a message in a buffer.
 *
 * <p>The {@link HMac} and {@link CRC32} passed in belong to the caller's thread; an {@code HMac} keyed once per ICE
 * session (short-term credential: the key is the ice-pwd, §9.1.1) is reused for every check. BouncyCastle's
 * lightweight {@code HMac} is used rather than {@code javax.crypto.Mac} because its {@code doFinal} writes into the
 * caller's array without allocating. Heap buffers are fed as array ranges; other buffers byte by byte, which is slower
 * but allocation-free, and STUN messages are small.
 */
public final class StunIntegrity {

    private StunIntegrity() {
    }

    /** A new HMAC-SHA1 keyed with a short-term credential password (already SASLprep-ed; ICE passwords are ASCII). */
    public static HMac newHmacSha1(byte[] key) {
        HMac mac = new HMac(new SHA1Digest());
        mac.init(new KeyParameter(key));
        return mac;
    }

    /**
     * Computes the MESSAGE-INTEGRITY value of the message starting at {@code messageOffset}, whose MESSAGE-INTEGRITY
     * attribute header is at {@code integrityAttributeOffset}. As §14.5 requires, the HMAC covers the message up to
     * that attribute with the header's length field set as if the message ended right after MESSAGE-INTEGRITY.
     */
    public static void hmacSha1(HMac mac, DirectBuffer buffer, int messageOffset, int integrityAttributeOffset,
                                byte[] out, int outOffset) {
        int adjustedLength = integrityAttributeOffset - messageOffset - HEADER_LENGTH
                + ATTRIBUTE_HEADER_LENGTH + MESSAGE_INTEGRITY_LENGTH;
        mac.reset();
        update(mac, buffer, messageOffset, LENGTH_OFFSET);
        mac.update((byte) (adjustedLength >>> 8));
        mac.update((byte) adjustedLength);
        int afterLength = messageOffset + LENGTH_OFFSET + 2;
        update(mac, buffer, afterLength, integrityAttributeOffset - afterLength);
        mac.doFinal(out, outOffset);
    }

    /**
     * FINGERPRINT value of the bytes [{@code messageOffset}, {@code fingerprintAttributeOffset}). FINGERPRINT is the
     * last attribute, so the header length already counts it and no adjustment is needed (§14.7).
     */
    public static int fingerprint(CRC32 crc, DirectBuffer buffer, int messageOffset, int fingerprintAttributeOffset) {
        crc.reset();
        int length = fingerprintAttributeOffset - messageOffset;
        byte[] array = buffer.byteArray();
        if (array != null) {
            crc.update(array, (int) buffer.wrapAdjustment() + messageOffset, length);
        } else {
            for (int i = 0; i < length; i++) {
                crc.update(buffer.getByte(messageOffset + i));
            }
        }
        return (int) crc.getValue() ^ FINGERPRINT_XOR;
    }

    private static void update(HMac mac, DirectBuffer buffer, int offset, int length) {
        byte[] array = buffer.byteArray();
        if (array != null) {
            mac.update(array, (int) buffer.wrapAdjustment() + offset, length);
        } else {
            for (int i = 0; i < length; i++) {
                mac.update(buffer.getByte(offset + i));
            }
        }
    }
}
