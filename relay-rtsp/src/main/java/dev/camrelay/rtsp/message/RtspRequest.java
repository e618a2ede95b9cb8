package dev.camrelay.rtsp.message;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An RTSP request (RFC 2326 §6), from a client or, on a client connection, from the server (§10: ANNOUNCE,
 * GET_PARAMETER, SET_PARAMETER, OPTIONS may go either way).
 *
 * @param method  the method token as sent, e.g. {@code DESCRIBE}
 * @param uri     the request-URI as sent (an absolute rtsp URL or {@code *})
 * @param version the protocol version, e.g. {@code RTSP/1.0}
 * @param headers the headers in arrival order
 * @param body    the body (length from {@code Content-Length}); empty when there is none
 */
public record RtspRequest(String method, String uri, String version, RtspHeaders headers, byte[] body)
        implements RtspMessage {

    public static final String RTSP_1_0 = "RTSP/1.0";

    public RtspRequest {
        body = body == null ? new byte[0] : body;
    }

    public RtspRequest(String method, String uri, RtspHeaders headers) {
        this(method, uri, RTSP_1_0, headers, new byte[0]);
    }

    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RtspRequest r && r.method.equals(method) && r.uri.equals(uri)
                && r.version.equals(version) && r.headers.toString().equals(headers.toString())
                && Arrays.equals(r.body, body);
    }

    @Override
    public int hashCode() {
        return method.hashCode() * 31 + uri.hashCode();
    }

    @Override
    public String toString() {
        return method + " " + uri + " " + version + " " + headers + " body=" + body.length;
    }
}
