package dev.camrelay.webrtc.sdp;

import dev.camrelay.core.media.Codec;
import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.media.TrackFormat;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Writes the WHEP answer for an accepted offer and a camera's stream format: session-level ICE-lite (RFC 8445 §6.1.1;
 * WHEP §4.5.3), DTLS server role {@code a=setup:passive} (RFC 5763 §5), the relay's fingerprint, host candidates for
 * every address on the one UDP port, rtcp-mux (never rtcp-mux-only, which RFC 8858 §4.3 forbids in answers), BUNDLE,
 * sendonly sections, and only the feedback the relay implements (nack, nack pli, ccm fir, transport-cc;
 * protocols.md 5.6, 7.1, 7.3). Sections the relay cannot serve (a second video, data channels, audio it does not
 * have or cannot send such as AAC) are rejected with port 0 and left out of the BUNDLE group (RFC 8843 §7.3.3).
 * Control plane; stateless.
 */
public final class WhepAnswerBuilder {

    public static final String TRANSPORT_CC_URI =
            "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
    private static final List<String> SUPPORTED_FEEDBACK = List.of("nack", "nack pli", "ccm fir", "transport-cc");
    private static final String CRLF = "\r\n";

    /**
     * Outcome of {@link #answer}.
     *
     * @param answer    the answer, or null
     * @param rejection why no answer is possible (for a 4xx body), or null
     */
    public record Result(WhepAnswer answer, String rejection) {

        public boolean accepted() {
            return answer != null;
        }
    }

    private WhepAnswerBuilder() {
    }

    public static Result answer(SdpOffer offer, StreamFormat stream, AnswerOptions options) {
        Optional<TrackFormat> video = stream.video();
        if (video.isEmpty() || video.get().codec() != Codec.H264) {
            return new Result(null, "camera stream has no H.264 video; WebRTC players here decode only H.264");
        }
        int profileIdc = profileIdc(video.get());
        Codec audioCodec = stream.audio().map(TrackFormat::codec)
                .filter(c -> c == Codec.OPUS || c == Codec.PCMU || c == Codec.PCMA).orElse(null);
        int audioClock = stream.audio().map(TrackFormat::clockRate).orElse(0);

        StringBuilder sections = new StringBuilder();
        List<String> bundle = new ArrayList<>();
        String videoMid = null;
        int videoPt = -1;
        String audioMid = null;
        int audioPt = -1;
        boolean nack = false;
        boolean pli = false;
        boolean fir = false;
        int twccId = 0;
        for (SdpMedia m : offer.media()) {
            // RTP and RTCP share the one port, so a section without rtcp-mux cannot be served (RFC 8858 §4.3).
            boolean usable = m.port() != 0 && m.direction() != SdpDirection.INACTIVE && m.rtcpMux();
            if (usable && videoMid == null && m.kind().equals("video")) {
                int pt = H264Choice.choose(m, profileIdc);
                if (pt >= 0) {
                    videoMid = m.mid();
                    videoPt = pt;
                    twccId = m.extmaps().getOrDefault(TRANSPORT_CC_URI, 0);
                    List<String> feedback = feedback(m, pt, twccId != 0);
                    nack = feedback.contains("nack");
                    pli = feedback.contains("nack pli");
                    fir = feedback.contains("ccm fir");
                    twccId = feedback.contains("transport-cc") ? twccId : 0;
                    bundle.add(m.mid());
                    writeVideo(sections, m, pt, feedback, twccId, options);
                    continue;
                }
            }
            if (usable && audioMid == null && audioCodec != null && m.kind().equals("audio")) {
                int pt = audioPayloadType(m, audioCodec, audioClock);
                if (pt >= 0) {
                    audioMid = m.mid();
                    audioPt = pt;
                    bundle.add(m.mid());
                    writeAudio(sections, m, pt, options);
                    continue;
                }
            }
            writeRejected(sections, m);
        }
        if (videoMid == null) {
            return new Result(null, "offer has no usable H.264 video section with packetization-mode=1 and rtcp-mux");
        }
        StringBuilder sdp = new StringBuilder(2048)
                .append("v=0").append(CRLF)
                .append("o=- ").append(Long.toUnsignedString(options.sessionId())).append(" 1 IN IP4 0.0.0.0")
                .append(CRLF)
                .append("s=-").append(CRLF)
                .append("t=0 0").append(CRLF)
                .append("a=group:BUNDLE ").append(String.join(" ", bundle)).append(CRLF)
                .append("a=msid-semantic: WMS ").append(options.streamId()).append(CRLF)
                .append("a=ice-lite").append(CRLF)
                .append(sections);
        return new Result(new WhepAnswer(sdp.toString(), videoMid, videoPt, audioMid, audioPt,
                audioMid == null ? null : audioCodec, nack, pli, fir, twccId), null);
    }

    /** profile_idc from the SPS (byte after the NAL header, ITU-T H.264 §7.3.2.1.1), else from the profile name. */
    static int profileIdc(TrackFormat video) {
        List<byte[]> sets = video.parameterSets();
        for (byte[] set : sets) {
            if (set.length > 1 && (set[0] & 0x1F) == 7) {
                return set[1] & 0xFF;
            }
        }
        return switch (video.profile().toLowerCase(Locale.ROOT)) {
            case "baseline", "constrained baseline" -> H264Fmtp.PROFILE_BASELINE;
            case "main" -> H264Fmtp.PROFILE_MAIN;
            case "high" -> H264Fmtp.PROFILE_HIGH;
            default -> 0;
        };
    }

    /**
     * Offered feedback the relay implements; transport-cc only with its header extension
     * (draft-holmer-rmcat-transport-wide-cc-extensions-01).
     */
    private static List<String> feedback(SdpMedia m, int pt, boolean transportCcExtensionOffered) {
        List<String> offered = m.feedbackFor(pt);
        return SUPPORTED_FEEDBACK.stream().filter(offered::contains)
                .filter(fb -> transportCcExtensionOffered || !fb.equals("transport-cc")).toList();
    }

    private static int audioPayloadType(SdpMedia m, Codec codec, int cameraClock) {
        for (int pt : m.payloadTypes()) {
            RtpMap map = m.rtpMaps().get(pt);
            boolean match = switch (codec) {
                case OPUS -> map != null && map.is("opus", 48_000) && map.channels() == 2;
                case PCMU -> cameraClock == 8_000 && (map != null ? map.is("PCMU", 8_000) : pt == 0);
                case PCMA -> cameraClock == 8_000 && (map != null ? map.is("PCMA", 8_000) : pt == 8);
                default -> false;
            };
            if (match) {
                return pt;
            }
        }
        return -1;
    }

    private static void writeVideo(StringBuilder out, SdpMedia m, int pt, List<String> feedback, int twccId,
                                   AnswerOptions options) {
        writeTransport(out, m, pt, options);
        if (twccId > 0) {
            out.append("a=extmap:").append(twccId).append(' ').append(TRANSPORT_CC_URI).append(CRLF);
        }
        out.append("a=rtpmap:").append(pt).append(" H264/90000").append(CRLF);
        for (String fb : feedback) {
            out.append("a=rtcp-fb:").append(pt).append(' ').append(fb).append(CRLF);
        }
        String fmtp = m.fmtps().get(pt);
        out.append("a=fmtp:").append(pt).append(' ').append(fmtp).append(CRLF);
        writeSource(out, options.videoSsrc(), "video", options);
    }

    private static void writeAudio(StringBuilder out, SdpMedia m, int pt, AnswerOptions options) {
        writeTransport(out, m, pt, options);
        RtpMap map = m.rtpMaps().get(pt);
        if (map != null) {
            out.append("a=rtpmap:").append(pt).append(' ').append(map.encoding()).append('/').append(map.clockRate());
            if (map.channels() > 1) {
                out.append('/').append(map.channels());
            }
            out.append(CRLF);
        }
        String fmtp = m.fmtps().get(pt);
        if (fmtp != null) {
            out.append("a=fmtp:").append(pt).append(' ').append(fmtp).append(CRLF);
        }
        writeSource(out, options.audioSsrc(), "audio", options);
    }

    private static void writeTransport(StringBuilder out, SdpMedia m, int pt, AnswerOptions options) {
        InetAddress first = options.hostAddresses().get(0);
        out.append("m=").append(m.kind()).append(' ').append(options.udpPort()).append(' ')
                .append(m.protocol()).append(' ').append(pt).append(CRLF)
                .append("c=IN ").append(first instanceof Inet6Address ? "IP6 " : "IP4 ")
                .append(first.getHostAddress()).append(CRLF)
                .append("a=mid:").append(m.mid()).append(CRLF)
                .append("a=sendonly").append(CRLF)
                .append("a=ice-ufrag:").append(options.ice().ufrag()).append(CRLF)
                .append("a=ice-pwd:").append(options.ice().pwd()).append(CRLF)
                .append("a=fingerprint:").append(options.fingerprint().toAttributeValue()).append(CRLF)
                .append("a=setup:passive").append(CRLF)
                .append("a=rtcp-mux").append(CRLF);
        if (m.rtcpRsize()) {
            out.append("a=rtcp-rsize").append(CRLF);
        }
        writeCandidates(out, options);
    }

    /** Host candidates (RFC 8839 §5.1), priority per RFC 8445 §5.1.2.1 with type preference 126 for host. */
    private static void writeCandidates(StringBuilder out, AnswerOptions options) {
        List<InetAddress> hosts = options.hostAddresses();
        for (int i = 0; i < hosts.size(); i++) {
            long localPreference = 65_535 - i;
            long priority = (126L << 24) + (localPreference << 8) + (256 - 1);
            out.append("a=candidate:").append(i + 1).append(" 1 udp ").append(priority).append(' ')
                    .append(hosts.get(i).getHostAddress()).append(' ').append(options.udpPort())
                    .append(" typ host").append(CRLF);
        }
        out.append("a=end-of-candidates").append(CRLF);
    }

    private static void writeSource(StringBuilder out, long ssrc, String trackId, AnswerOptions options) {
        String s = Long.toString(ssrc & 0xFFFF_FFFFL);
        out.append("a=msid:").append(options.streamId()).append(' ').append(trackId).append(CRLF)
                .append("a=ssrc:").append(s).append(" cname:").append(options.cname()).append(CRLF)
                .append("a=ssrc:").append(s).append(" msid:").append(options.streamId()).append(' ').append(trackId)
                .append(CRLF);
    }

    private static void writeRejected(StringBuilder out, SdpMedia m) {
        String format = m.formats().isEmpty() ? "0" : m.formats().get(0);
        out.append("m=").append(m.kind()).append(" 0 ").append(m.protocol()).append(' ').append(format).append(CRLF)
                .append("c=IN IP4 0.0.0.0").append(CRLF);
        if (m.mid() != null) {
            out.append("a=mid:").append(m.mid()).append(CRLF);
        }
        out.append("a=inactive").append(CRLF);
    }
}
