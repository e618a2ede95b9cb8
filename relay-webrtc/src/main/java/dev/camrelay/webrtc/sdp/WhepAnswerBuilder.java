package dev.camrelay.webrtc.sdp;

import dev.camrelay.core.media.Codec;
import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.media.TrackFormat;
import dev.camrelay.webrtc.ice.IceCredentials;
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
 * sendonly sections, and only the feedback the relay implements (nack, nack pli, ccm fir, goog-remb, transport-cc;
 * protocols.md 5.6, 7.1, 7.3). RTX (RFC 4588) is answered when the offer has an {@code rtx/90000} format whose
 * {@code apt} is the chosen video payload type, with its own SSRC in an {@code a=ssrc-group:FID} (RFC 5576 §4.2).
 * H.265 (RFC 7798) is answered only for an H.265 camera and only when the offer has H265/90000; an H.264 camera
 * is never offered as H.265. Sections the relay cannot serve (a second video, data channels, audio it does not
 * have or cannot send such as AAC) are rejected with port 0 and left out of the BUNDLE group (RFC 8843 §7.3.3).
 * Control plane; stateless.
 */
public final class WhepAnswerBuilder {

    public static final String TRANSPORT_CC_URI =
            "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
    private static final List<String> SUPPORTED_FEEDBACK =
            List.of("nack", "nack pli", "ccm fir", "goog-remb", "transport-cc");
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
        if (video.isEmpty() || (video.get().codec() != Codec.H264 && video.get().codec() != Codec.H265)) {
            return new Result(null, "camera stream has no H.264 or H.265 video; WebRTC players decode those here");
        }
        Codec videoCodec = video.get().codec();
        int profileIdc = videoCodec == Codec.H264 ? profileIdc(video.get()) : 0;
        Codec audioCodec = stream.audio().map(TrackFormat::codec)
                .filter(c -> c == Codec.OPUS || c == Codec.PCMU || c == Codec.PCMA).orElse(null);
        int audioClock = stream.audio().map(TrackFormat::clockRate).orElse(0);

        StringBuilder sections = new StringBuilder();
        List<String> bundle = new ArrayList<>();
        String videoMid = null;
        int videoPt = -1;
        int rtxPt = -1;
        String audioMid = null;
        int audioPt = -1;
        List<String> videoFeedback = List.of();
        int twccId = 0;
        boolean audioTwcc = false;
        // The video section's transport-cc id decides the audio one's, and audio may come first in the offer.
        int videoTwccId = 0;
        for (SdpMedia m : offer.media()) {
            if (usable(m) && m.kind().equals("video")) {
                int pt = videoCodec == Codec.H264 ? H264Choice.choose(m, profileIdc) : h265PayloadType(m);
                if (pt >= 0) {
                    int id = m.extmaps().getOrDefault(TRANSPORT_CC_URI, 0);
                    videoTwccId = feedback(m, pt, id != 0).contains("transport-cc") ? id : 0;
                    break;
                }
            }
        }
        for (SdpMedia m : offer.media()) {
            boolean usable = usable(m);
            if (usable && videoMid == null && m.kind().equals("video")) {
                int pt = videoCodec == Codec.H264 ? H264Choice.choose(m, profileIdc) : h265PayloadType(m);
                if (pt >= 0) {
                    videoMid = m.mid();
                    videoPt = pt;
                    rtxPt = rtxPayloadType(m, pt);
                    twccId = m.extmaps().getOrDefault(TRANSPORT_CC_URI, 0);
                    videoFeedback = feedback(m, pt, twccId != 0);
                    twccId = videoFeedback.contains("transport-cc") ? twccId : 0;
                    bundle.add(m.mid());
                    writeVideo(sections, m, pt, rtxPt, videoCodec, videoFeedback, twccId, options);
                    continue;
                }
            }
            if (usable && audioMid == null && audioCodec != null && m.kind().equals("audio")) {
                int pt = audioPayloadType(m, audioCodec, audioClock);
                if (pt >= 0) {
                    audioMid = m.mid();
                    audioPt = pt;
                    bundle.add(m.mid());
                    // Same id in both sections: then audio packets carry transport-wide numbers too.
                    int audioTwccId = m.extmaps().getOrDefault(TRANSPORT_CC_URI, 0);
                    audioTwcc = videoTwccId != 0 && audioTwccId == videoTwccId;
                    writeAudio(sections, m, pt, audioTwcc ? videoTwccId : 0, options);
                    continue;
                }
            }
            writeRejected(sections, m);
        }
        if (videoMid == null) {
            return new Result(null, videoCodec == Codec.H264
                    ? "offer has no usable H.264 video section with packetization-mode=1 and rtcp-mux"
                    : "the camera sends H.265 and the offer has no usable H265/90000 video section (RFC 7798)");
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
                audioMid == null ? null : audioCodec, videoFeedback.contains("nack"),
                videoFeedback.contains("nack pli"), videoFeedback.contains("ccm fir"), twccId, rtxPt,
                videoFeedback.contains("goog-remb"), audioTwcc, videoCodec), null);
    }

    /**
     * The {@code application/trickle-ice-sdpfrag} body answering an ICE restart (RFC 9725 §4.3.2; RFC 8840 §9):
     * ice-lite, the new credentials and every candidate, under the first bundled section's mid.
     */
    public static String iceRestartFragment(IceCredentials ice, List<InetAddress> hosts, int udpPort,
                                            WhepAnswer answer) {
        StringBuilder out = new StringBuilder(512)
                .append("a=ice-lite").append(CRLF)
                .append("a=ice-ufrag:").append(ice.ufrag()).append(CRLF)
                .append("a=ice-pwd:").append(ice.pwd()).append(CRLF)
                .append("a=group:BUNDLE ").append(answer.videoMid())
                .append(answer.audioMid() == null ? "" : " " + answer.audioMid()).append(CRLF)
                .append("m=video 9 UDP/TLS/RTP/SAVPF ").append(answer.videoPayloadType()).append(CRLF)
                .append("a=mid:").append(answer.videoMid()).append(CRLF);
        writeCandidates(out, hosts, udpPort);
        return out.toString();
    }

    /** RTP and RTCP share the one port, so a section without rtcp-mux cannot be served (RFC 8858 §4.3). */
    private static boolean usable(SdpMedia m) {
        return m.port() != 0 && m.direction() != SdpDirection.INACTIVE && m.rtcpMux();
    }

    /** The first offered H265/90000 payload type (RFC 7798 §7.1), or -1. */
    static int h265PayloadType(SdpMedia m) {
        for (int pt : m.payloadTypes()) {
            RtpMap map = m.rtpMaps().get(pt);
            if (map != null && map.is("H265", 90_000)) {
                return pt;
            }
        }
        return -1;
    }

    /** The offered {@code rtx/90000} format whose {@code apt} is {@code pt} (RFC 4588 §8.6), or -1. */
    static int rtxPayloadType(SdpMedia m, int pt) {
        for (int candidate : m.payloadTypes()) {
            RtpMap map = m.rtpMaps().get(candidate);
            String fmtp = m.fmtps().get(candidate);
            if (map != null && map.is("rtx", 90_000) && fmtp != null
                    && fmtp.replace(" ", "").equalsIgnoreCase("apt=" + pt)) {
                return candidate;
            }
        }
        return -1;
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

    private static void writeVideo(StringBuilder out, SdpMedia m, int pt, int rtxPt, Codec codec,
                                   List<String> feedback, int twccId, AnswerOptions options) {
        writeTransport(out, m, rtxPt >= 0 ? pt + " " + rtxPt : Integer.toString(pt), options);
        if (twccId > 0) {
            out.append("a=extmap:").append(twccId).append(' ').append(TRANSPORT_CC_URI).append(CRLF);
        }
        out.append("a=rtpmap:").append(pt).append(codec == Codec.H264 ? " H264/90000" : " H265/90000").append(CRLF);
        for (String fb : feedback) {
            out.append("a=rtcp-fb:").append(pt).append(' ').append(fb).append(CRLF);
        }
        String fmtp = m.fmtps().get(pt);
        if (fmtp != null) {
            out.append("a=fmtp:").append(pt).append(' ').append(fmtp).append(CRLF);
        }
        if (rtxPt >= 0) {
            out.append("a=rtpmap:").append(rtxPt).append(" rtx/90000").append(CRLF)
                    .append("a=fmtp:").append(rtxPt).append(" apt=").append(pt).append(CRLF)
                    .append("a=ssrc-group:FID ").append(options.videoSsrc() & 0xFFFF_FFFFL).append(' ')
                    .append(options.rtxSsrc() & 0xFFFF_FFFFL).append(CRLF);
        }
        writeSource(out, options.videoSsrc(), "video", options);
        if (rtxPt >= 0) {
            writeSource(out, options.rtxSsrc(), "video", options);
        }
    }

    private static void writeAudio(StringBuilder out, SdpMedia m, int pt, int twccId, AnswerOptions options) {
        writeTransport(out, m, Integer.toString(pt), options);
        if (twccId > 0) {
            out.append("a=extmap:").append(twccId).append(' ').append(TRANSPORT_CC_URI).append(CRLF);
        }
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

    private static void writeTransport(StringBuilder out, SdpMedia m, String formats, AnswerOptions options) {
        InetAddress first = options.hostAddresses().get(0);
        out.append("m=").append(m.kind()).append(' ').append(options.udpPort()).append(' ')
                .append(m.protocol()).append(' ').append(formats).append(CRLF)
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
        writeCandidates(out, options.hostAddresses(), options.udpPort());
    }

    /** Host candidates (RFC 8839 §5.1), priority per RFC 8445 §5.1.2.1 with type preference 126 for host. */
    private static void writeCandidates(StringBuilder out, List<InetAddress> hosts, int udpPort) {
        for (int i = 0; i < hosts.size(); i++) {
            long localPreference = 65_535 - i;
            long priority = (126L << 24) + (localPreference << 8) + (256 - 1);
            out.append("a=candidate:").append(i + 1).append(" 1 udp ").append(priority).append(' ')
                    .append(hosts.get(i).getHostAddress()).append(' ').append(udpPort)
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
