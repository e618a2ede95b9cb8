package dev.camrelay.webrtc.sdp;

import dev.camrelay.webrtc.ice.IceCredentials;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses a WHEP offer (RFC 8866 syntax, JSEP/RFC 8829 content) and checks it is one the relay can answer: a receiving
 * client (WHEP §4.2; RFC 9725), ICE and DTLS credentials present, and an H.264 format with packetization-mode=1
 * (RFC 6184 §6.3; mode 0 would forbid FU-A). Lines the relay does not need are skipped. Never throws on input: a bad
 * offer yields a {@link Result} with a reason for the 400 response.
 *
 * <p>Stateless and thread-safe.
 */
public final class SdpOfferParser {

    /** Offers are a few kB; refuse anything absurd before splitting it. */
    public static final int MAX_OFFER_LENGTH = 64 * 1024;
    public static final int MAX_MEDIA_SECTIONS = 16;

    /**
     * Outcome of {@link #parse}.
     *
     * @param offer     the offer, or null when rejected
     * @param rejection why the offer was rejected, or null
     */
    public record Result(SdpOffer offer, String rejection) {

        static Result reject(String reason) {
            return new Result(null, reason);
        }

        public boolean accepted() {
            return offer != null;
        }
    }

    private SdpOfferParser() {
    }

    public static Result parse(String sdp) {
        if (sdp == null || sdp.isEmpty()) {
            return Result.reject("empty SDP offer");
        }
        if (sdp.length() > MAX_OFFER_LENGTH) {
            return Result.reject("SDP offer longer than " + MAX_OFFER_LENGTH + " characters");
        }
        String[] lines = sdp.split("\r?\n");
        if (!lines[0].trim().equals("v=0")) {
            return Result.reject("SDP must start with v=0 (RFC 8866 §5)");
        }
        Session session = new Session();
        MediaBuilder current = null;
        List<MediaBuilder> sections = new ArrayList<>();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.length() < 2 || line.charAt(1) != '=') {
                continue;
            }
            char type = line.charAt(0);
            String value = line.substring(2);
            if (type == 'm') {
                current = MediaBuilder.fromMLine(value);
                if (current == null) {
                    return Result.reject("malformed m= line: " + truncate(line));
                }
                if (sections.size() == MAX_MEDIA_SECTIONS) {
                    return Result.reject("more than " + MAX_MEDIA_SECTIONS + " m= sections");
                }
                sections.add(current);
            } else if (type == 'a') {
                String error = current == null ? session.attribute(value) : current.attribute(value);
                if (error != null) {
                    return Result.reject(error);
                }
            }
        }
        List<SdpMedia> media = sections.stream().map(b -> b.build(session.direction)).toList();
        return validate(new SdpOffer(media, session.bundleMids,
                firstNonNull(sections.isEmpty() ? null : sections.get(0).iceUfrag, session.iceUfrag),
                firstNonNull(sections.isEmpty() ? null : sections.get(0).icePwd, session.icePwd),
                firstNonNull(sections.isEmpty() ? null : sections.get(0).fingerprint, session.fingerprint),
                firstNonNull(sections.isEmpty() ? null : sections.get(0).setup, session.setup)));
    }

    private static Result validate(SdpOffer offer) {
        List<SdpMedia> active = offer.media().stream()
                .filter(m -> m.port() != 0 && (m.kind().equals("video") || m.kind().equals("audio"))).toList();
        if (active.isEmpty()) {
            return Result.reject("offer has no audio or video m= section");
        }
        for (SdpMedia m : active) {
            if (m.direction() == SdpDirection.SENDONLY) {
                return Result.reject("offer is sendonly on mid " + m.mid() + ": WHEP clients only receive (WHEP §4.2)");
            }
        }
        if (active.stream().allMatch(m -> m.direction() == SdpDirection.INACTIVE)) {
            return Result.reject("offer is inactive: nothing to receive");
        }
        if (offer.iceUfrag() == null || offer.icePwd() == null
                || !IceCredentials.isIceChars(offer.iceUfrag(), 4, 256)
                || !IceCredentials.isIceChars(offer.icePwd(), 22, 256)) {
            return Result.reject("offer lacks a valid a=ice-ufrag/a=ice-pwd (RFC 8839 §5.4)");
        }
        if (offer.fingerprint() == null) {
            return Result.reject("offer lacks a=fingerprint (RFC 8122 §5)");
        }
        if ("passive".equals(offer.setup())) {
            return Result.reject("offer has a=setup:passive, but the relay is always the DTLS server (RFC 5763 §5)");
        }
        boolean h264 = active.stream().filter(m -> m.kind().equals("video")
                        && m.direction() != SdpDirection.INACTIVE)
                .anyMatch(m -> !H264Choice.packetizationMode1(m).isEmpty());
        if (!h264) {
            return Result.reject("offer has no H.264 video with packetization-mode=1 (RFC 6184 §6.3)");
        }
        return new Result(offer, null);
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }

    private static SdpFingerprint firstNonNull(SdpFingerprint a, SdpFingerprint b) {
        return a != null ? a : b;
    }

    private static String truncate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    /** Session-level attributes. */
    private static final class Session {
        private List<String> bundleMids = List.of();
        private String iceUfrag;
        private String icePwd;
        private SdpFingerprint fingerprint;
        private String setup;
        private SdpDirection direction = SdpDirection.SENDRECV;

        String attribute(String value) {
            String name = name(value);
            String arg = argument(value);
            switch (name) {
                case "group" -> {
                    String[] parts = arg.split("\\s+");
                    if (parts.length > 0 && parts[0].equals("BUNDLE")) {
                        bundleMids = List.of(Arrays.copyOfRange(parts, 1, parts.length));
                    }
                }
                case "ice-ufrag" -> iceUfrag = arg;
                case "ice-pwd" -> icePwd = arg;
                case "fingerprint" -> {
                    fingerprint = SdpFingerprint.parse(arg);
                    if (fingerprint == null) {
                        return "malformed a=fingerprint";
                    }
                }
                case "setup" -> setup = arg.toLowerCase(Locale.ROOT);
                default -> {
                    SdpDirection d = SdpDirection.fromAttribute(name);
                    if (d != null) {
                        direction = d;
                    }
                }
            }
            return null;
        }
    }

    /** Attributes of one m= section while parsing. */
    private static final class MediaBuilder {
        private final String kind;
        private final int port;
        private final String protocol;
        private final List<String> formats;
        private final Map<Integer, RtpMap> rtpMaps = new LinkedHashMap<>();
        private final Map<Integer, String> fmtps = new HashMap<>();
        private final Map<Integer, List<String>> rtcpFeedback = new HashMap<>();
        private final Map<String, Integer> extmaps = new HashMap<>();
        private String mid;
        private SdpDirection direction;
        private String iceUfrag;
        private String icePwd;
        private SdpFingerprint fingerprint;
        private String setup;
        private boolean rtcpMux;
        private boolean rtcpRsize;

        private MediaBuilder(String kind, int port, String protocol, List<String> formats) {
            this.kind = kind;
            this.port = port;
            this.protocol = protocol;
            this.formats = formats;
        }

        static MediaBuilder fromMLine(String value) {
            String[] parts = value.trim().split("\\s+");
            if (parts.length < 4) {
                return null;
            }
            String portField = parts[1];
            int slash = portField.indexOf('/');
            int port = parseInt(slash < 0 ? portField : portField.substring(0, slash));
            if (port < 0 || port > 65535) {
                return null;
            }
            return new MediaBuilder(parts[0].toLowerCase(Locale.ROOT), port, parts[2],
                    List.of(Arrays.copyOfRange(parts, 3, parts.length)));
        }

        String attribute(String value) {
            String name = name(value);
            String arg = argument(value);
            switch (name) {
                case "mid" -> mid = arg;
                case "ice-ufrag" -> iceUfrag = arg;
                case "ice-pwd" -> icePwd = arg;
                case "setup" -> setup = arg.toLowerCase(Locale.ROOT);
                case "rtcp-mux" -> rtcpMux = true;
                case "rtcp-rsize" -> rtcpRsize = true;
                case "fingerprint" -> {
                    fingerprint = SdpFingerprint.parse(arg);
                    if (fingerprint == null) {
                        return "malformed a=fingerprint";
                    }
                }
                case "rtpmap" -> {
                    return rtpMap(arg);
                }
                case "fmtp" -> {
                    int space = arg.indexOf(' ');
                    int pt = space < 0 ? -1 : parseInt(arg.substring(0, space));
                    if (pt < 0 || pt > 127) {
                        return "malformed a=fmtp: " + truncate(arg);
                    }
                    fmtps.put(pt, arg.substring(space + 1).trim());
                }
                case "rtcp-fb" -> {
                    int space = arg.indexOf(' ');
                    String ptField = space < 0 ? "" : arg.substring(0, space);
                    int pt = "*".equals(ptField) ? SdpMedia.ANY_PAYLOAD_TYPE : parseInt(ptField);
                    if (space < 0 || (pt < 0 && !"*".equals(ptField)) || pt > 127) {
                        return "malformed a=rtcp-fb: " + truncate(arg);
                    }
                    rtcpFeedback.computeIfAbsent(pt, k -> new ArrayList<>())
                            .add(arg.substring(space + 1).trim().toLowerCase(Locale.ROOT));
                }
                case "extmap" -> {
                    String[] parts = arg.split("\\s+");
                    int slash = parts[0].indexOf('/');
                    int id = parseInt(slash < 0 ? parts[0] : parts[0].substring(0, slash));
                    if (parts.length < 2 || id < 1 || id > 255) {
                        return "malformed a=extmap: " + truncate(arg);
                    }
                    extmaps.putIfAbsent(parts[1], id);
                }
                default -> {
                    SdpDirection d = SdpDirection.fromAttribute(name);
                    if (d != null) {
                        direction = d;
                    }
                }
            }
            return null;
        }

        private String rtpMap(String arg) {
            String[] parts = arg.split("\\s+");
            int pt = parts.length == 2 ? parseInt(parts[0]) : -1;
            String[] enc = pt < 0 ? new String[0] : parts[1].split("/");
            int clock = enc.length >= 2 ? parseInt(enc[1]) : -1;
            int channels = enc.length >= 3 ? parseInt(enc[2]) : 1;
            if (pt < 0 || pt > 127 || clock <= 0 || channels <= 0) {
                return "malformed a=rtpmap: " + truncate(arg);
            }
            rtpMaps.put(pt, new RtpMap(pt, enc[0], clock, channels));
            return null;
        }

        SdpMedia build(SdpDirection sessionDirection) {
            Map<Integer, List<String>> feedback = new HashMap<>();
            rtcpFeedback.forEach((k, v) -> feedback.put(k, List.copyOf(v)));
            return new SdpMedia(kind, port, protocol, formats, mid, direction != null ? direction : sessionDirection,
                    rtpMaps, fmtps, feedback, extmaps, iceUfrag, icePwd, fingerprint, setup, rtcpMux, rtcpRsize);
        }
    }

    private static String name(String attribute) {
        int colon = attribute.indexOf(':');
        return (colon < 0 ? attribute : attribute.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
    }

    private static String argument(String attribute) {
        int colon = attribute.indexOf(':');
        return colon < 0 ? "" : attribute.substring(colon + 1).trim();
    }

    /** Non-negative decimal int of at most 9 digits, else -1. */
    static int parseInt(String s) {
        if (s.isEmpty() || s.length() > 9) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
