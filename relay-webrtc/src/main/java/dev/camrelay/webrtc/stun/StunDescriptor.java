package dev.camrelay.webrtc.stun;

/**
 * Binary layout and constants of a STUN message (RFC 8489, which obsoletes RFC 5389), with the ICE attributes of
 * RFC 8445 §16.1.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0|     STUN Message Type     |         Message Length        |  offset 0  (RFC 8489 §5)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Magic Cookie                          |  offset 4
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Transaction ID (96 bits)                  |  offset 8
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Type                  |            Length             |  each attribute (§14), value padded to
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  a multiple of 4 bytes; Length excludes
 * |                         Value (variable)                ....  |  the padding
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * All fields are big-endian (network order).
 */
public final class StunDescriptor {

    public static final int TYPE_OFFSET = 0;
    public static final int LENGTH_OFFSET = 2;
    public static final int MAGIC_COOKIE_OFFSET = 4;
    public static final int TRANSACTION_ID_OFFSET = 8;
    public static final int TRANSACTION_ID_LENGTH = 12;
    public static final int HEADER_LENGTH = 20;
    public static final int ATTRIBUTE_HEADER_LENGTH = 4;

    /** RFC 8489 §5. */
    public static final int MAGIC_COOKIE = 0x2112A442;

    /** Method Binding, classes request/indication/success/error (RFC 8489 §5, §18.2). */
    public static final int BINDING_REQUEST = 0x0001;
    public static final int BINDING_INDICATION = 0x0011;
    public static final int BINDING_SUCCESS_RESPONSE = 0x0101;
    public static final int BINDING_ERROR_RESPONSE = 0x0111;

    /** Attribute types (RFC 8489 §18.3; RFC 8445 §16.1). Below 0x8000: comprehension-required. */
    public static final int MAPPED_ADDRESS = 0x0001;
    public static final int USERNAME = 0x0006;
    public static final int MESSAGE_INTEGRITY = 0x0008;
    public static final int ERROR_CODE = 0x0009;
    public static final int UNKNOWN_ATTRIBUTES = 0x000A;
    public static final int MESSAGE_INTEGRITY_SHA256 = 0x001C;
    public static final int XOR_MAPPED_ADDRESS = 0x0020;
    public static final int PRIORITY = 0x0024;
    public static final int USE_CANDIDATE = 0x0025;
    public static final int SOFTWARE = 0x8022;
    public static final int FINGERPRINT = 0x8028;
    public static final int ICE_CONTROLLED = 0x8029;
    public static final int ICE_CONTROLLING = 0x802A;
    public static final int COMPREHENSION_OPTIONAL_MIN = 0x8000;

    /** HMAC-SHA1 output (RFC 8489 §14.5). */
    public static final int MESSAGE_INTEGRITY_LENGTH = 20;
    /** CRC-32 (RFC 8489 §14.7). */
    public static final int FINGERPRINT_LENGTH = 4;
    /** The CRC-32 is XOR-ed with this so STUN can be told apart from other protocols (RFC 8489 §14.7). */
    public static final int FINGERPRINT_XOR = 0x5354554E;
    public static final int PRIORITY_LENGTH = 4;
    public static final int TIE_BREAKER_LENGTH = 8;

    /** Address families of (XOR-)MAPPED-ADDRESS (RFC 8489 §14.1). */
    public static final int FAMILY_IPV4 = 0x01;
    public static final int FAMILY_IPV6 = 0x02;
    public static final int XOR_MAPPED_ADDRESS_IPV4_LENGTH = 8;
    public static final int XOR_MAPPED_ADDRESS_IPV6_LENGTH = 20;

    /** USERNAME holds fewer than 509 bytes (RFC 8489 §14.3). */
    public static final int MAX_USERNAME_LENGTH = 508;
    /** Largest message accepted: a 1500-byte Ethernet MTU minus IPv4 and UDP headers. */
    public static final int MAX_MESSAGE_LENGTH = 1472;

    /** Error codes used by an ICE-lite responder (RFC 8489 §14.8; RFC 8445 §7.3.1.1). */
    public static final int ERROR_BAD_REQUEST = 400;
    public static final int ERROR_UNAUTHENTICATED = 401;
    public static final int ERROR_UNKNOWN_ATTRIBUTE = 420;
    public static final int ERROR_ROLE_CONFLICT = 487;

    private StunDescriptor() {
    }

    /** Length of an attribute value including its padding to a 4-byte boundary. */
    public static int paddedLength(int valueLength) {
        return (valueLength + 3) & ~3;
    }
}
