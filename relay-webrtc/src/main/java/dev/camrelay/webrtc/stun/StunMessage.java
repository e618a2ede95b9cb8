package dev.camrelay.webrtc.stun;

import static dev.camrelay.webrtc.stun.StunDescriptor.ATTRIBUTE_HEADER_LENGTH;
import static dev.camrelay.webrtc.stun.StunDescriptor.COMPREHENSION_OPTIONAL_MIN;
import static dev.camrelay.webrtc.stun.StunDescriptor.FINGERPRINT;
import static dev.camrelay.webrtc.stun.StunDescriptor.FINGERPRINT_LENGTH;
import static dev.camrelay.webrtc.stun.StunDescriptor.HEADER_LENGTH;
import static dev.camrelay.webrtc.stun.StunDescriptor.ICE_CONTROLLED;
import static dev.camrelay.webrtc.stun.StunDescriptor.ICE_CONTROLLING;
import static dev.camrelay.webrtc.stun.StunDescriptor.LENGTH_OFFSET;
import static dev.camrelay.webrtc.stun.StunDescriptor.MAGIC_COOKIE;
import static dev.camrelay.webrtc.stun.StunDescriptor.MAGIC_COOKIE_OFFSET;
import static dev.camrelay.webrtc.stun.StunDescriptor.MAX_MESSAGE_LENGTH;
import static dev.camrelay.webrtc.stun.StunDescriptor.MAX_USERNAME_LENGTH;
import static dev.camrelay.webrtc.stun.StunDescriptor.MESSAGE_INTEGRITY;
import static dev.camrelay.webrtc.stun.StunDescriptor.MESSAGE_INTEGRITY_LENGTH;
import static dev.camrelay.webrtc.stun.StunDescriptor.PRIORITY;
import static dev.camrelay.webrtc.stun.StunDescriptor.PRIORITY_LENGTH;
import static dev.camrelay.webrtc.stun.StunDescriptor.TIE_BREAKER_LENGTH;
import static dev.camrelay.webrtc.stun.StunDescriptor.TRANSACTION_ID_LENGTH;
import static dev.camrelay.webrtc.stun.StunDescriptor.TRANSACTION_ID_OFFSET;
import static dev.camrelay.webrtc.stun.StunDescriptor.TYPE_OFFSET;
import static dev.camrelay.webrtc.stun.StunDescriptor.USERNAME;
import static dev.camrelay.webrtc.stun.StunDescriptor.USE_CANDIDATE;
import static dev.camrelay.webrtc.stun.StunDescriptor.XOR_MAPPED_ADDRESS;
import static dev.camrelay.webrtc.stun.StunDescriptor.paddedLength;
import static java.nio.ByteOrder.BIG_ENDIAN;

import java.security.MessageDigest;
import java.util.zip.CRC32;
import org.agrona.DirectBuffer;
import org.bouncycastle.crypto.macs.HMac;

/**
 * Flyweight reader of one STUN message in a buffer (RFC 8489 §5, §14): validates the framing and indexes the
 * attributes an ICE agent needs, without copying or allocating. Malformed input yields a negative status from
 * {@link #wrap}; nothing here throws for anything a peer can send.
 *
 * <p>Single-threaded: one instance per I/O thread, valid until the next {@link #wrap}.
 */
public final class StunMessage {

    public static final int OK = 0;
    /** Shorter than a STUN header. */
    public static final int TOO_SHORT = -1;
    /** First two bits not zero or wrong magic cookie: not (RFC 5389+) STUN. */
    public static final int NOT_STUN = -2;
    /** Header length not a multiple of 4 or not matching the datagram. */
    public static final int BAD_LENGTH = -3;
    /** An attribute overruns the message or has an impossible length for its type. */
    public static final int BAD_ATTRIBUTE = -4;
    /** FINGERPRINT present but wrong, or not the last attribute (§14.7). */
    public static final int BAD_FINGERPRINT = -5;
    /** Larger than {@link StunDescriptor#MAX_MESSAGE_LENGTH}. */
    public static final int TOO_LONG = -6;

    /** Unknown comprehension-required types remembered for UNKNOWN-ATTRIBUTES (RFC 8489 §14.9). */
    public static final int MAX_UNKNOWN_ATTRIBUTES = 8;

    private static final int ABSENT = -1;

    private final CRC32 crc = new CRC32();
    private final byte[] integrityScratch = new byte[MESSAGE_INTEGRITY_LENGTH];
    private final byte[] expectedScratch = new byte[MESSAGE_INTEGRITY_LENGTH];

    private DirectBuffer buffer;
    private int offset;
    private int length;
    private int usernameOffset;
    private int usernameLength;
    private int integrityAttributeOffset;
    private int fingerprintAttributeOffset;
    private int xorMappedAddressOffset;
    private int xorMappedAddressLength;
    private long priority;
    private boolean useCandidate;
    private boolean iceControlling;
    private boolean iceControlled;
    private long tieBreaker;
    private int unknownComprehensionRequired;
    private final int[] unknownTypes = new int[MAX_UNKNOWN_ATTRIBUTES];

    /**
     * Points this flyweight at a datagram and validates it.
     *
     * @return {@link #OK} or a negative status
     * @throws IndexOutOfBoundsException if the range is not inside {@code buffer} (caller's bug, not peer input)
     */
    public int wrap(DirectBuffer buffer, int offset, int length) {
        buffer.boundsCheck(offset, length);
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        reset();
        if (length < HEADER_LENGTH) {
            return TOO_SHORT;
        }
        if (length > MAX_MESSAGE_LENGTH) {
            return TOO_LONG;
        }
        if ((buffer.getByte(offset + TYPE_OFFSET) & 0xC0) != 0
                || buffer.getInt(offset + MAGIC_COOKIE_OFFSET, BIG_ENDIAN) != MAGIC_COOKIE) {
            return NOT_STUN;
        }
        int bodyLength = buffer.getShort(offset + LENGTH_OFFSET, BIG_ENDIAN) & 0xFFFF;
        if ((bodyLength & 3) != 0 || bodyLength + HEADER_LENGTH != length) {
            return BAD_LENGTH;
        }
        return indexAttributes();
    }

    private void reset() {
        usernameOffset = ABSENT;
        usernameLength = 0;
        integrityAttributeOffset = ABSENT;
        fingerprintAttributeOffset = ABSENT;
        xorMappedAddressOffset = ABSENT;
        xorMappedAddressLength = 0;
        priority = ABSENT;
        useCandidate = false;
        iceControlling = false;
        iceControlled = false;
        tieBreaker = 0;
        unknownComprehensionRequired = 0;
    }

    private int indexAttributes() {
        int end = offset + length;
        int position = offset + HEADER_LENGTH;
        while (position < end) {
            if (fingerprintAttributeOffset != ABSENT) {
                return BAD_FINGERPRINT;
            }
            if (end - position < ATTRIBUTE_HEADER_LENGTH) {
                return BAD_ATTRIBUTE;
            }
            int type = buffer.getShort(position, BIG_ENDIAN) & 0xFFFF;
            int valueLength = buffer.getShort(position + 2, BIG_ENDIAN) & 0xFFFF;
            int valueOffset = position + ATTRIBUTE_HEADER_LENGTH;
            if (valueOffset + paddedLength(valueLength) > end) {
                return BAD_ATTRIBUTE;
            }
            int status = integrityAttributeOffset == ABSENT
                    ? indexAttribute(type, position, valueOffset, valueLength)
                    : indexAfterIntegrity(type, position, valueLength);
            if (status != OK) {
                return status;
            }
            position = valueOffset + paddedLength(valueLength);
        }
        if (fingerprintAttributeOffset != ABSENT) {
            int expected = StunIntegrity.fingerprint(crc, buffer, offset, fingerprintAttributeOffset);
            if (buffer.getInt(fingerprintAttributeOffset + ATTRIBUTE_HEADER_LENGTH, BIG_ENDIAN) != expected) {
                return BAD_FINGERPRINT;
            }
        }
        return OK;
    }

    private int indexAttribute(int type, int attributeOffset, int valueOffset, int valueLength) {
        switch (type) {
            case USERNAME -> {
                if (usernameOffset == ABSENT) {
                    if (valueLength > MAX_USERNAME_LENGTH) {
                        return BAD_ATTRIBUTE;
                    }
                    usernameOffset = valueOffset;
                    usernameLength = valueLength;
                }
            }
            case MESSAGE_INTEGRITY -> {
                if (valueLength != MESSAGE_INTEGRITY_LENGTH) {
                    return BAD_ATTRIBUTE;
                }
                integrityAttributeOffset = attributeOffset;
            }
            case FINGERPRINT -> {
                if (valueLength != FINGERPRINT_LENGTH) {
                    return BAD_ATTRIBUTE;
                }
                fingerprintAttributeOffset = attributeOffset;
            }
            case PRIORITY -> {
                if (valueLength != PRIORITY_LENGTH) {
                    return BAD_ATTRIBUTE;
                }
                priority = buffer.getInt(valueOffset, BIG_ENDIAN) & 0xFFFF_FFFFL;
            }
            case USE_CANDIDATE -> useCandidate = true;
            case ICE_CONTROLLING, ICE_CONTROLLED -> {
                if (valueLength != TIE_BREAKER_LENGTH) {
                    return BAD_ATTRIBUTE;
                }
                iceControlling |= type == ICE_CONTROLLING;
                iceControlled |= type == ICE_CONTROLLED;
                tieBreaker = buffer.getLong(valueOffset, BIG_ENDIAN);
            }
            case XOR_MAPPED_ADDRESS -> {
                xorMappedAddressOffset = valueOffset;
                xorMappedAddressLength = valueLength;
            }
            default -> {
                if (type < COMPREHENSION_OPTIONAL_MIN && unknownComprehensionRequired < MAX_UNKNOWN_ATTRIBUTES) {
                    unknownTypes[unknownComprehensionRequired++] = type;
                }
            }
        }
        return OK;
    }

    /** After MESSAGE-INTEGRITY only MESSAGE-INTEGRITY-SHA256 and FINGERPRINT count; the rest is ignored (§14.5). */
    private int indexAfterIntegrity(int type, int attributeOffset, int valueLength) {
        if (type == FINGERPRINT) {
            if (valueLength != FINGERPRINT_LENGTH) {
                return BAD_ATTRIBUTE;
            }
            fingerprintAttributeOffset = attributeOffset;
        }
        return OK;
    }

    public DirectBuffer buffer() {
        return buffer;
    }

    public int offset() {
        return offset;
    }

    public int length() {
        return length;
    }

    public int messageType() {
        return buffer.getShort(offset + TYPE_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    public int transactionIdOffset() {
        return offset + TRANSACTION_ID_OFFSET;
    }

    /** Compares transaction ids without copying (for matching responses to requests in tests and tools). */
    public boolean transactionIdEquals(byte[] transactionId) {
        for (int i = 0; i < TRANSACTION_ID_LENGTH; i++) {
            if (buffer.getByte(offset + TRANSACTION_ID_OFFSET + i) != transactionId[i]) {
                return false;
            }
        }
        return true;
    }

    public boolean hasUsername() {
        return usernameOffset != ABSENT;
    }

    /** Absolute offset of the USERNAME value in {@link #buffer()}. */
    public int usernameOffset() {
        return usernameOffset;
    }

    public int usernameLength() {
        return usernameLength;
    }

    /** Index of the first ':' in USERNAME relative to its start, or -1. */
    public int usernameColonIndex() {
        for (int i = 0; i < usernameLength; i++) {
            if (buffer.getByte(usernameOffset + i) == ':') {
                return i;
            }
        }
        return -1;
    }

    /** USERNAME equals the given bytes exactly. */
    public boolean usernameEquals(byte[] expected) {
        if (usernameOffset == ABSENT || usernameLength != expected.length) {
            return false;
        }
        for (int i = 0; i < usernameLength; i++) {
            if (buffer.getByte(usernameOffset + i) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    public boolean hasMessageIntegrity() {
        return integrityAttributeOffset != ABSENT;
    }

    public boolean hasFingerprint() {
        return fingerprintAttributeOffset != ABSENT;
    }

    /** PRIORITY (RFC 8445 §7.1.1) as an unsigned value, or -1 when absent. */
    public long priority() {
        return priority;
    }

    public boolean hasPriority() {
        return priority != ABSENT;
    }

    public boolean useCandidate() {
        return useCandidate;
    }

    public boolean iceControlling() {
        return iceControlling;
    }

    public boolean iceControlled() {
        return iceControlled;
    }

    public long tieBreaker() {
        return tieBreaker;
    }

    /** Count of unknown attributes below 0x8000 (at most {@link #MAX_UNKNOWN_ATTRIBUTES}): answer 420 (§14). */
    public int unknownComprehensionRequired() {
        return unknownComprehensionRequired;
    }

    /** The i-th unknown comprehension-required attribute type. */
    public int unknownComprehensionRequiredType(int index) {
        return unknownTypes[index];
    }

    public boolean hasXorMappedAddress() {
        return xorMappedAddressOffset != ABSENT;
    }

    /** Absolute offset of the XOR-MAPPED-ADDRESS value (family at +1, port at +2, address at +4). */
    public int xorMappedAddressOffset() {
        return xorMappedAddressOffset;
    }

    public int xorMappedAddressLength() {
        return xorMappedAddressLength;
    }

    /**
     * Checks MESSAGE-INTEGRITY with a {@link HMac} keyed by the short-term password. Constant-time comparison.
     *
     * @return false when the attribute is absent or wrong
     */
    public boolean verifyMessageIntegrity(HMac keyedHmacSha1) {
        if (integrityAttributeOffset == ABSENT) {
            return false;
        }
        StunIntegrity.hmacSha1(keyedHmacSha1, buffer, offset, integrityAttributeOffset, expectedScratch, 0);
        buffer.getBytes(integrityAttributeOffset + ATTRIBUTE_HEADER_LENGTH, integrityScratch);
        return MessageDigest.isEqual(expectedScratch, integrityScratch);
    }
}
