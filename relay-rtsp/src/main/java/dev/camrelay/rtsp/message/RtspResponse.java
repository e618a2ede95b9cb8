package dev.camrelay.rtsp.message;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An RTSP response (RFC 2326 §7).
 *
 * @param version the protocol version, e.g. {@code RTSP/1.0}
 * @param status  the 3-digit status code (§7.1.1)
 * @param reason  the reason phrase, possibly empty
 * @param headers the headers in arrival order
 * @param body    the body (length from {@code Content-Length}, absent means none: §12.14); empty when none
 */
public record RtspResponse(String version, int status, String reason, RtspHeaders headers, byte[] body)
        implements RtspMessage {

    public RtspResponse {
        body = body == null ? new byte[0] : body;
    }

    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RtspResponse r && r.status == status && r.version.equals(version)
                && r.reason.equals(reason) && r.headers.toString().equals(headers.toString())
                && Arrays.equals(r.body, body);
    }

    @Override
    public int hashCode() {
        return status * 31 + reason.hashCode();
    }

    @Override
    public String toString() {
        return version + " " + status + " " + reason + " " + headers + " body=" + body.length;
    }
}
