package dev.camrelay.rtsp.sdp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Threading: stateless; control plane.
 *
 * <p>Tolerant SDP parser (RFC 4566) for camera DESCRIBE answers and ANNOUNCE bodies. Cameras send broken SDP
 * (protocols.md 1.9): empty values, several {@code s=}, a broken {@code c=}, an unknown media type, an
 * {@code fmtp} for a payload type the section does not carry, duplicate sections with the same control. Anything
 * unparseable in one media section skips that section with a log line; it is never fatal for the session. Only an
 * SDP over {@link #MAX_SDP_LENGTH} is refused.
 */
public final class SdpParser {

    /** Largest SDP accepted; RFC 4566 sets no limit, cameras send a few kB (and RTSP bodies are capped). */
    public static final int MAX_SDP_LENGTH = 64 * 1024;
    /** Most media sections kept; a camera has a few tracks (StreamFormat.MAX_TRACKS is 8). */
    public static final int MAX_MEDIA_SECTIONS = 16;

    private static final Logger LOG = LoggerFactory.getLogger(SdpParser.class);

    private SdpParser() {
    }

    public static SessionDescription parse(byte[] sdp) {
        if (sdp.length > MAX_SDP_LENGTH) {
            throw new IllegalArgumentException("SDP of " + sdp.length + " bytes, limit " + MAX_SDP_LENGTH);
        }
        return parse(new String(sdp, StandardCharsets.UTF_8));
    }

    public static SessionDescription parse(String sdp) {
        if (sdp.length() > MAX_SDP_LENGTH) {
            throw new IllegalArgumentException("SDP of " + sdp.length() + " chars, limit " + MAX_SDP_LENGTH);
        }
        String origin = "";
        String sessionName = null;
        String connection = "";
        List<SdpAttribute> sessionAttributes = new ArrayList<>();
        List<List<String>> sections = new ArrayList<>();
        List<String> current = null;
        for (String raw : sdp.split("\r?\n|\r")) {
            String line = raw.strip();
            if (line.length() < 2 || line.charAt(1) != '=') {
                continue;
            }
            char type = line.charAt(0);
            String value = line.substring(2).strip();
            if (type == 'm') {
                current = new ArrayList<>();
                current.add(value);
                sections.add(current);
            } else if (current != null) {
                current.add(line);
            } else if (type == 'o') {
                origin = value;
            } else if (type == 's' && sessionName == null) {
                sessionName = value;
            } else if (type == 'c') {
                connection = value;
            } else if (type == 'a') {
                sessionAttributes.add(attribute(value));
            }
        }
        String sessionControl = "";
        for (SdpAttribute a : sessionAttributes) {
            if (a.name().equalsIgnoreCase("control")) {
                sessionControl = a.value();
            }
        }
        List<MediaDescription> media = new ArrayList<>();
        Set<String> controls = new HashSet<>();
        int skipped = 0;
        for (List<String> section : sections) {
            MediaDescription m = media(section);
            if (m == null) {
                skipped++;
                continue;
            }
            if (!m.control().isEmpty() && !controls.add(m.control())) {
                LOG.info("SDP media section skipped: repeats control {} (TP-Link, mediamtx#1267)", m.control());
                skipped++;
                continue;
            }
            if (media.size() >= MAX_MEDIA_SECTIONS) {
                LOG.info("SDP media section skipped: more than {} sections", MAX_MEDIA_SECTIONS);
                skipped++;
                continue;
            }
            media.add(m);
        }
        return new SessionDescription(origin, sessionName == null || sessionName.isEmpty() ? "-" : sessionName,
                connection, sessionControl, sessionAttributes, media, skipped);
    }

    private static SdpAttribute attribute(String value) {
        int colon = value.indexOf(':');
        return colon < 0 ? new SdpAttribute(value, "")
                : new SdpAttribute(value.substring(0, colon).strip(), value.substring(colon + 1).strip());
    }

    /** One media section, or null (logged) if it cannot be used. */
    private static MediaDescription media(List<String> section) {
        String mLine = section.get(0);
        String[] f = mLine.split("\\s+");
        if (f.length < 4 || !f[0].matches("[a-z]+")) {
            LOG.info("SDP media section skipped: bad m= line '{}'", mLine);
            return null;
        }
        int port;
        List<Integer> payloadTypes = new ArrayList<>();
        try {
            port = Integer.parseInt(f[1].contains("/") ? f[1].substring(0, f[1].indexOf('/')) : f[1]);
            for (int i = 3; i < f.length; i++) {
                int pt = Integer.parseInt(f[i]);
                if (pt < 0 || pt > 127) {
                    throw new NumberFormatException("payload type " + pt);
                }
                payloadTypes.add(pt);
            }
        } catch (NumberFormatException e) {
            LOG.info("SDP media section skipped: bad m= line '{}': {}", mLine, e.getMessage());
            return null;
        }
        int pt = payloadTypes.get(0);
        List<SdpAttribute> attributes = new ArrayList<>();
        String encoding = null;
        int clockRate = 0;
        int channels = 0;
        Map<String, String> fmtp = new HashMap<>();
        String control = "";
        String direction = "sendrecv";
        for (int i = 1; i < section.size(); i++) {
            String line = section.get(i);
            if (line.charAt(0) != 'a') {
                continue;
            }
            SdpAttribute a = attribute(line.substring(2).strip());
            attributes.add(a);
            switch (a.name().toLowerCase(Locale.ROOT)) {
                case "rtpmap" -> {
                    String[] r = a.value().split("\\s+", 2);
                    if (r.length == 2 && r[0].equals(String.valueOf(pt))) {
                        String[] enc = r[1].strip().split("/");
                        encoding = enc[0].toUpperCase(Locale.ROOT);
                        try {
                            clockRate = enc.length > 1 ? Integer.parseInt(enc[1].strip()) : 0;
                            channels = enc.length > 2 ? Integer.parseInt(enc[2].strip()) : 0;
                        } catch (NumberFormatException e) {
                            LOG.info("SDP media section skipped: bad rtpmap '{}'", a.value());
                            return null;
                        }
                    }
                }
                case "fmtp" -> {
                    String[] r = a.value().split("\\s+", 2);
                    if (r.length == 2 && r[0].equals(String.valueOf(pt))) {
                        fmtp.putAll(fmtpParameters(r[1]));
                    } else {
                        LOG.debug("SDP fmtp for another payload type ignored: '{}'", a.value());
                    }
                }
                case "control" -> control = a.value();
                case "sendrecv", "sendonly", "recvonly", "inactive" -> direction = a.name().toLowerCase(Locale.ROOT);
                default -> {
                }
            }
        }
        if (encoding == null) {
            // RFC 3551 §6 static payload types the relay can carry.
            switch (pt) {
                case 0 -> encoding = "PCMU";
                case 8 -> encoding = "PCMA";
                default -> encoding = "";
            }
            if (pt == 0 || pt == 8) {
                clockRate = 8000;
                channels = 1;
            }
        }
        return new MediaDescription(f[0], port, f[2], payloadTypes, pt, encoding, clockRate, channels, fmtp,
                control, direction, attributes);
    }

    /** {@code key=value; key=value} (RFC 4566 §6 fmtp; keys are case-insensitive in the codec RFCs). */
    static Map<String, String> fmtpParameters(String value) {
        Map<String, String> params = new HashMap<>();
        for (String part : value.split(";")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq < 0) {
                params.put(p.toLowerCase(Locale.ROOT), "");
            } else {
                params.put(p.substring(0, eq).strip().toLowerCase(Locale.ROOT), p.substring(eq + 1).strip());
            }
        }
        return params;
    }
}
