package dev.camrelay.webrtc.stun;

import static dev.camrelay.webrtc.stun.StunDescriptor.ATTRIBUTE_HEADER_LENGTH;
import static dev.camrelay.webrtc.stun.StunDescriptor.ERROR_CODE;
import static dev.camrelay.webrtc.stun.StunDescriptor.FAMILY_IPV4;
import static dev.camrelay.webrtc.stun.StunDescriptor.FAMILY_IPV6;
import static dev.camrelay.webrtc.stun.StunDescriptor.FINGERPRINT;
import static dev.camrelay.webrtc.stun.StunDescriptor.FINGERPRINT_LENGTH;
import static dev.camrelay.webrtc.stun.StunDescriptor.HEADER_LENGTH;
import static dev.camrelay.webrtc.stun.StunDescriptor.LENGTH_OFFSET;
import static dev.camrelay.webrtc.stun.StunDescriptor.MAGIC_COOKIE;
import static dev.camrelay.webrtc.stun.StunDescriptor.MAGIC_COOKIE_OFFSET;
import static dev.camrelay.webrtc.stun.StunDescriptor.MESSAGE_INTEGRITY;
import static dev.camrelay.webrtc.stun.StunDescriptor.MESSAGE_INTEGRITY_LENGTH;
import static dev.camrelay.webrtc.stun.StunDescriptor.TRANSACTION_ID_LENGTH;
import static dev.camrelay.webrtc.stun.StunDescriptor.TRANSACTION_ID_OFFSET;
import static dev.camrelay.webrtc.stun.StunDescriptor.TYPE_OFFSET;
import static dev.camrelay.webrtc.stun.StunDescriptor.UNKNOWN_ATTRIBUTES;
import static dev.camrelay.webrtc.stun.StunDescriptor.XOR_MAPPED_ADDRESS;
import static dev.camrelay.webrtc.stun.StunDescriptor.XOR_MAPPED_ADDRESS_IPV4_LENGTH;
import static dev.camrelay.webrtc.stun.StunDescriptor.XOR_MAPPED_ADDRESS_IPV6_LENGTH;
import static dev.camrelay.webrtc.stun.StunDescriptor.paddedLength;
import static java.nio.ByteOrder.BIG_ENDIAN;

import java.util.zip.CRC32;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.bouncycastle.crypto.macs.HMac;

/**
 * Flyweight writer of one STUN message into a caller's buffer, attribute by attribute in call order; the header's
 * length field is kept current after every attribute, as MESSAGE-INTEGRITY and FINGERPRINT require (RFC 8489 §14.5,
 * §14.7). Call {@link #addMessageIntegrity} and then {@link #addFingerprint} last.
 *
 * <p>Single-threaded: one instance per I/O thread. Allocation-free.
 */
public final class StunMessageEncoder {

    /** Room every response of an ICE-lite responder fits in: header, address, error, integrity, fingerprint. */
    public static final int MIN_CAPACITY = 256;

    private final CRC32 crc = new CRC32();
    private final byte[] integrityScratch = new byte[MESSAGE_INTEGRITY_LENGTH];
    private MutableDirectBuffer buffer;
    private int offset;
    private int limit;
    private int position;
    private byte paddingByte;

    /**
     * Starts a message of {@code messageType} with the transaction id copied from {@code transactionIdSource}.
     *
     * @throws IllegalArgumentException if fewer than {@link #MIN_CAPACITY} bytes are available at {@code offset}
     */
    public StunMessageEncoder wrap(MutableDirectBuffer buffer, int offset, int messageType,
                                   DirectBuffer transactionIdSource, int transactionIdOffset) {
        if (buffer.capacity() - offset < MIN_CAPACITY) {
            throw new IllegalArgumentException("STUN encoder needs " + MIN_CAPACITY + " bytes at offset " + offset);
        }
        this.buffer = buffer;
        this.offset = offset;
        this.limit = buffer.capacity();
        this.position = offset + HEADER_LENGTH;
        buffer.putShort(offset + TYPE_OFFSET, (short) messageType, BIG_ENDIAN);
        buffer.putInt(offset + MAGIC_COOKIE_OFFSET, MAGIC_COOKIE, BIG_ENDIAN);
        buffer.putBytes(offset + TRANSACTION_ID_OFFSET, transactionIdSource, transactionIdOffset,
                TRANSACTION_ID_LENGTH);
        updateLength();
        return this;
    }

    /**
     * Byte written into attribute padding. RFC 8489 §14 lets senders choose it (receivers ignore it); the RFC 5769
     * test vectors use 0x20. Default 0.
     */
    public StunMessageEncoder paddingByte(byte value) {
        this.paddingByte = value;
        return this;
    }

    /** Any attribute with an opaque value, e.g. SOFTWARE (§14.14) or USERNAME (§14.3). */
    public StunMessageEncoder addAttribute(int type, byte[] value) {
        int valueOffset = putAttributeHeader(type, value.length);
        buffer.putBytes(valueOffset, value);
        return finishAttribute(valueOffset, value.length);
    }

    /** XOR-MAPPED-ADDRESS for an IPv4 address given as a big-endian int (RFC 8489 §14.2). */
    public StunMessageEncoder addXorMappedAddressIpv4(int address, int port) {
        int valueOffset = putAttributeHeader(XOR_MAPPED_ADDRESS, XOR_MAPPED_ADDRESS_IPV4_LENGTH);
        buffer.putByte(valueOffset, (byte) 0);
        buffer.putByte(valueOffset + 1, (byte) FAMILY_IPV4);
        buffer.putShort(valueOffset + 2, (short) (port ^ (MAGIC_COOKIE >>> 16)), BIG_ENDIAN);
        buffer.putInt(valueOffset + 4, address ^ MAGIC_COOKIE, BIG_ENDIAN);
        return finishAttribute(valueOffset, XOR_MAPPED_ADDRESS_IPV4_LENGTH);
    }

    /** XOR-MAPPED-ADDRESS for a 16-byte IPv6 address: XOR with the cookie and then the transaction id (§14.2). */
    public StunMessageEncoder addXorMappedAddressIpv6(byte[] address, int port) {
        int valueOffset = putAttributeHeader(XOR_MAPPED_ADDRESS, XOR_MAPPED_ADDRESS_IPV6_LENGTH);
        buffer.putByte(valueOffset, (byte) 0);
        buffer.putByte(valueOffset + 1, (byte) FAMILY_IPV6);
        buffer.putShort(valueOffset + 2, (short) (port ^ (MAGIC_COOKIE >>> 16)), BIG_ENDIAN);
        for (int i = 0; i < 16; i++) {
            // Bytes 4..19 of the header are the cookie followed by the transaction id.
            byte mask = buffer.getByte(offset + MAGIC_COOKIE_OFFSET + i);
            buffer.putByte(valueOffset + 4 + i, (byte) (address[i] ^ mask));
        }
        return finishAttribute(valueOffset, XOR_MAPPED_ADDRESS_IPV6_LENGTH);
    }

    /** ERROR-CODE (§14.8): class in the hundreds, number modulo 100, then a UTF-8 reason phrase. */
    public StunMessageEncoder addErrorCode(int code, byte[] reason) {
        int valueLength = 4 + reason.length;
        int valueOffset = putAttributeHeader(ERROR_CODE, valueLength);
        buffer.putShort(valueOffset, (short) 0, BIG_ENDIAN);
        buffer.putByte(valueOffset + 2, (byte) (code / 100));
        buffer.putByte(valueOffset + 3, (byte) (code % 100));
        buffer.putBytes(valueOffset + 4, reason);
        return finishAttribute(valueOffset, valueLength);
    }

    /** UNKNOWN-ATTRIBUTES (§14.9) listing the request's unknown comprehension-required attribute types. */
    public StunMessageEncoder addUnknownAttributes(StunMessage request) {
        int count = request.unknownComprehensionRequired();
        int valueOffset = putAttributeHeader(UNKNOWN_ATTRIBUTES, 2 * count);
        for (int i = 0; i < count; i++) {
            buffer.putShort(valueOffset + 2 * i, (short) request.unknownComprehensionRequiredType(i), BIG_ENDIAN);
        }
        return finishAttribute(valueOffset, 2 * count);
    }

    /** MESSAGE-INTEGRITY over everything written so far (§14.5). */
    public StunMessageEncoder addMessageIntegrity(HMac keyedHmacSha1) {
        int attributeOffset = position;
        int valueOffset = putAttributeHeader(MESSAGE_INTEGRITY, MESSAGE_INTEGRITY_LENGTH);
        position = valueOffset + MESSAGE_INTEGRITY_LENGTH;
        updateLength();
        byte[] array = buffer.byteArray();
        if (array != null) {
            StunIntegrity.hmacSha1(keyedHmacSha1, buffer, offset, attributeOffset, array,
                    (int) buffer.wrapAdjustment() + valueOffset);
        } else {
            StunIntegrity.hmacSha1(keyedHmacSha1, buffer, offset, attributeOffset, integrityScratch, 0);
            buffer.putBytes(valueOffset, integrityScratch);
        }
        return this;
    }

    /** FINGERPRINT over everything written so far; must be the last attribute (§14.7). */
    public StunMessageEncoder addFingerprint() {
        int attributeOffset = position;
        int valueOffset = putAttributeHeader(FINGERPRINT, FINGERPRINT_LENGTH);
        position = valueOffset + FINGERPRINT_LENGTH;
        updateLength();
        buffer.putInt(valueOffset, StunIntegrity.fingerprint(crc, buffer, offset, attributeOffset), BIG_ENDIAN);
        return this;
    }

    /** Bytes written from the wrap offset: the datagram length. */
    public int length() {
        return position - offset;
    }

    private int putAttributeHeader(int type, int valueLength) {
        if (position + ATTRIBUTE_HEADER_LENGTH + paddedLength(valueLength) > limit) {
            throw new IllegalStateException("STUN message exceeds the buffer; attributes are bounded by the caller");
        }
        buffer.putShort(position, (short) type, BIG_ENDIAN);
        buffer.putShort(position + 2, (short) valueLength, BIG_ENDIAN);
        return position + ATTRIBUTE_HEADER_LENGTH;
    }

    private StunMessageEncoder finishAttribute(int valueOffset, int valueLength) {
        int padded = paddedLength(valueLength);
        for (int i = valueLength; i < padded; i++) {
            buffer.putByte(valueOffset + i, paddingByte);
        }
        position = valueOffset + padded;
        updateLength();
        return this;
    }

    private void updateLength() {
        buffer.putShort(offset + LENGTH_OFFSET, (short) (position - offset - HEADER_LENGTH), BIG_ENDIAN);
    }
}
