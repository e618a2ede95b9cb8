package dev.camrelay.rtsp.sdp;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Threading: stateless; control plane.
 *
 * <p>Writes a {@link SessionDescription} as SDP (RFC 4566 §5, field order v o s c t a, then each m= section with its
 * c, rtpmap, fmtp, control and other attributes). Used for ANNOUNCE and DESCRIBE bodies and tests.
 */
public final class SdpWriter {

    private static final String CRLF = "\r\n";

    private SdpWriter() {
    }

    public static String write(SessionDescription sdp) {
        StringBuilder sb = new StringBuilder(512);
        sb.append("v=0").append(CRLF);
        sb.append("o=").append(sdp.origin().isEmpty() ? "- 0 0 IN IP4 127.0.0.1" : sdp.origin()).append(CRLF);
        sb.append("s=").append(sdp.sessionName().isEmpty() ? "-" : sdp.sessionName()).append(CRLF);
        if (!sdp.connection().isEmpty()) {
            sb.append("c=").append(sdp.connection()).append(CRLF);
        }
        sb.append("t=0 0").append(CRLF);
        boolean controlWritten = false;
        for (SdpAttribute a : sdp.attributes()) {
            controlWritten |= a.name().equalsIgnoreCase("control");
            attribute(sb, a);
        }
        if (!controlWritten && !sdp.control().isEmpty()) {
            sb.append("a=control:").append(sdp.control()).append(CRLF);
        }
        for (MediaDescription m : sdp.media()) {
            sb.append("m=").append(m.mediaType()).append(' ').append(m.port()).append(' ').append(m.protocol());
            for (int pt : m.payloadTypes()) {
                sb.append(' ').append(pt);
            }
            sb.append(CRLF);
            if (!m.encodingName().isEmpty() && m.clockRate() > 0) {
                sb.append("a=rtpmap:").append(m.payloadType()).append(' ').append(m.encodingName()).append('/')
                        .append(m.clockRate());
                if (m.channels() > 0) {
                    sb.append('/').append(m.channels());
                }
                sb.append(CRLF);
            }
            if (!m.fmtp().isEmpty()) {
                sb.append("a=fmtp:").append(m.payloadType()).append(' ');
                boolean first = true;
                for (Map.Entry<String, String> e : new TreeMap<>(m.fmtp()).entrySet()) {
                    if (!first) {
                        sb.append(';');
                    }
                    first = false;
                    sb.append(e.getKey());
                    if (!e.getValue().isEmpty()) {
                        sb.append('=').append(e.getValue());
                    }
                }
                sb.append(CRLF);
            }
            if (!m.control().isEmpty()) {
                sb.append("a=control:").append(m.control()).append(CRLF);
            }
            for (SdpAttribute a : m.attributes()) {
                String n = a.name().toLowerCase(Locale.ROOT);
                if (!n.equals("rtpmap") && !n.equals("fmtp") && !n.equals("control")) {
                    attribute(sb, a);
                }
            }
        }
        return sb.toString();
    }

    private static void attribute(StringBuilder sb, SdpAttribute a) {
        sb.append("a=").append(a.name());
        if (!a.value().isEmpty()) {
            sb.append(':').append(a.value());
        }
        sb.append(CRLF);
    }
}
