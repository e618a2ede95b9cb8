package dev.camrelay.rtsp.sdp;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One media section (RFC 4566 §5.14) as the relay needs it: the first payload type of the {@code m=} line with
 * its {@code rtpmap} (§6, RFC 3551 static types when absent) and {@code fmtp}, the {@code a=control} (RFC 2326
 * §C.1.1) and the direction.
 *
 * @param mediaType    {@code video}, {@code audio}, {@code application}...
 * @param port         the {@code m=} port (0 in RTSP DESCRIBE answers is normal)
 * @param protocol     e.g. {@code RTP/AVP}
 * @param payloadTypes the formats of the {@code m=} line, in order
 * @param payloadType  the format used: the first one
 * @param encodingName from {@code rtpmap}, e.g. {@code H264}, {@code MPEG4-GENERIC}; upper case
 * @param clockRate    from {@code rtpmap}; 0 if unknown
 * @param channels     audio channels from {@code rtpmap}, 0 if not given
 * @param fmtp         {@code fmtp} parameters of {@link #payloadType}, keys lower-case
 * @param control      the {@code a=control} value as sent, "" if none
 * @param direction    {@code sendrecv}, {@code sendonly}, {@code recvonly} or {@code inactive}
 * @param attributes   every {@code a=} line of the section
 */
public record MediaDescription(String mediaType, int port, String protocol, List<Integer> payloadTypes,
                               int payloadType, String encodingName, int clockRate, int channels,
                               Map<String, String> fmtp, String control, String direction,
                               List<SdpAttribute> attributes) {

    public MediaDescription {
        payloadTypes = List.copyOf(payloadTypes);
        fmtp = Map.copyOf(fmtp);
        attributes = List.copyOf(attributes);
    }

    /** An {@code fmtp} parameter (name case-insensitive), or null. */
    public String fmtp(String name) {
        return fmtp.get(name.toLowerCase(Locale.ROOT));
    }
}
