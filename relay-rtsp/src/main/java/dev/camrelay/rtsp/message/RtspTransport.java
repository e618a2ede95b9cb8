package dev.camrelay.rtsp.message;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One transport spec of a {@code Transport} header (RFC 2326 §12.39), parsed leniently as cameras write it
 * (protocols.md 1.5): {@code RTP/AVP} without {@code /UDP}; {@code interleaved=} without {@code /TCP} (Escam Q6)
 * means TCP; {@code interleaved=0} alone means {@code 0-1}; a single port means {@code n-(n+1)}; no
 * {@code server_port} (OpenIPC); a short {@code ssrc=} (fewer than 8 hex digits); an empty {@code source=}
 * (mediamtx#986); {@code mode=receive} means RECORD; quoted modes.
 *
 * @param profile        {@code RTP/AVP} or {@code RTP/SAVP} etc., upper case, without the lower transport
 * @param tcp            true for TCP-interleaved (lower transport {@code TCP}, or {@code interleaved=} given)
 * @param multicast      true when {@code multicast} was given
 * @param interleavedRtp RTP channel, -1 if absent; the RTCP channel is {@link #interleavedRtcp}
 * @param interleavedRtcp RTCP channel, -1 if absent
 * @param clientRtpPort  client RTP port, -1 if absent
 * @param clientRtcpPort client RTCP port, -1 if absent
 * @param serverRtpPort  server RTP port, -1 if absent
 * @param serverRtcpPort server RTCP port, -1 if absent
 * @param ssrc           the SSRC, or -1 if absent or unparseable
 * @param source         {@code source=} value, "" if absent or empty
 * @param destination    {@code destination=} value, "" if absent
 * @param record         true for {@code mode=record} or {@code mode=receive}
 */
public record RtspTransport(String profile, boolean tcp, boolean multicast, int interleavedRtp, int interleavedRtcp,
                            int clientRtpPort, int clientRtcpPort, int serverRtpPort, int serverRtcpPort, long ssrc,
                            String source, String destination, boolean record) {

    /** Transport specs in one header: a client offers a few (§12.39); more is not a real request. */
    public static final int MAX_SPECS = 8;

    /** Every spec in the header, in order; specs that are not RTP are left out. */
    public static List<RtspTransport> parseAll(String header) {
        List<RtspTransport> all = new ArrayList<>();
        if (header == null) {
            return all;
        }
        for (String spec : header.split(",")) {
            if (all.size() >= MAX_SPECS) {
                break;
            }
            RtspTransport t = parse(spec);
            if (t != null) {
                all.add(t);
            }
        }
        return all;
    }

    /** One spec, or null if it is not an RTP transport. */
    public static RtspTransport parse(String spec) {
        String[] parts = spec.strip().split(";");
        String[] proto = parts[0].strip().toUpperCase(Locale.ROOT).split("/");
        if (proto.length < 2 || !proto[0].equals("RTP")) {
            return null;
        }
        String profile = proto[0] + "/" + proto[1];
        boolean tcp = proto.length > 2 && proto[2].equals("TCP");
        boolean multicast = false;
        int[] interleaved = {-1, -1};
        int[] client = {-1, -1};
        int[] server = {-1, -1};
        long ssrc = -1;
        String source = "";
        String destination = "";
        boolean record = false;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip();
            int eq = p.indexOf('=');
            String name = (eq < 0 ? p : p.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? "" : unquote(p.substring(eq + 1).strip());
            switch (name) {
                case "multicast" -> multicast = true;
                case "interleaved" -> {
                    interleaved = range(value);
                    tcp |= interleaved[0] >= 0;
                }
                case "client_port" -> client = range(value);
                case "server_port" -> server = range(value);
                case "ssrc" -> ssrc = ssrc(value);
                case "source" -> source = value;
                case "destination" -> destination = value;
                case "mode" -> {
                    String m = value.toLowerCase(Locale.ROOT);
                    record = m.equals("record") || m.equals("receive");
                }
                default -> {
                }
            }
        }
        return new RtspTransport(profile, tcp, multicast, interleaved[0], interleaved[1], client[0], client[1],
                server[0], server[1], ssrc, source, destination, record);
    }

    private static String unquote(String v) {
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    /** {@code a-b} or {@code a} (meaning {@code a-(a+1)}); {-1, -1} if unparseable. */
    private static int[] range(String value) {
        try {
            int dash = value.indexOf('-');
            if (dash < 0) {
                int a = Integer.parseInt(value.strip());
                return new int[] {a, a + 1};
            }
            return new int[] {Integer.parseInt(value.substring(0, dash).strip()),
                Integer.parseInt(value.substring(dash + 1).strip())};
        } catch (NumberFormatException e) {
            return new int[] {-1, -1};
        }
    }

    private static long ssrc(String value) {
        String v = value.strip();
        if (v.isEmpty() || v.length() > 8) {
            return -1;
        }
        try {
            return Long.parseLong(v, 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The spec as a header value (RFC 2326 §12.39 syntax). */
    public String format() {
        StringBuilder sb = new StringBuilder(profile).append(tcp ? "/TCP" : "");
        sb.append(multicast ? ";multicast" : ";unicast");
        if (interleavedRtp >= 0) {
            sb.append(";interleaved=").append(interleavedRtp).append('-').append(interleavedRtcp);
        }
        if (clientRtpPort >= 0) {
            sb.append(";client_port=").append(clientRtpPort).append('-').append(clientRtcpPort);
        }
        if (serverRtpPort >= 0) {
            sb.append(";server_port=").append(serverRtpPort).append('-').append(serverRtcpPort);
        }
        if (ssrc >= 0) {
            sb.append(";ssrc=").append(String.format("%08X", ssrc));
        }
        if (!destination.isEmpty()) {
            sb.append(";destination=").append(destination);
        }
        if (!source.isEmpty()) {
            sb.append(";source=").append(source);
        }
        if (record) {
            sb.append(";mode=record");
        }
        return sb.toString();
    }
}
