package dev.camrelay.server.webrtc;

import dev.camrelay.core.media.Codec;
import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.media.TrackFormat;
import dev.camrelay.core.session.ViewerSession;
import dev.camrelay.webrtc.ice.IceCredentials;
import dev.camrelay.webrtc.ice.IceLiteSession;
import dev.camrelay.webrtc.rtp.AudioPacketizer;
import dev.camrelay.webrtc.rtp.H264Packetizer;
import dev.camrelay.webrtc.rtp.H265Packetizer;
import dev.camrelay.webrtc.rtp.RtpDescriptor;
import dev.camrelay.webrtc.rtp.RtpRewriter;
import dev.camrelay.webrtc.rtp.VideoPacketizer;
import dev.camrelay.webrtc.sdp.AnswerOptions;
import dev.camrelay.webrtc.sdp.SdpFingerprint;
import dev.camrelay.webrtc.sdp.SdpOffer;
import dev.camrelay.webrtc.sdp.WhepAnswer;
import dev.camrelay.webrtc.sdp.WhepAnswerBuilder;
import dev.camrelay.webrtc.srtp.AesGcmTransform;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * Thread-safe: immutable apart from the {@link SecureRandom}, which is; concurrent POSTs and PATCHes call it.
 *
 * <p>The relay's side of the SDP offer/answer (RFC 3264; RFC 9725 §4.2) for WHEP: a validated offer and the camera's
 * stream format become the answer ({@link WhepAnswerBuilder}) and the new session's own state, all drawn fresh from a
 * CSPRNG: ICE credentials (RFC 8445 §5.3), a 128-bit session id, SSRCs for video, RTX and audio, and the initial RTP
 * sequence numbers and timestamps (RFC 3550 §5.1); then the packetizer of the codec the answer chose (H.264, RFC
 * 6184, or H.265, RFC 7798) with the camera's parameter sets, and the audio packetizer when audio was answered. An
 * ICE restart's answer fragment (RFC 9725 §4.3.2) comes from here too.
 */
final class OfferAnswer {

    /**
     * Largest RTP payload so that the SRTP packet stays within 1200 bytes (protocols.md 6.5) with the GCM tag, the
     * transport-cc header extension and, for an RTX resend, the original sequence number (RFC 4588 §4) all in it.
     */
    static final int MAX_RTP_PAYLOAD = RtpDescriptor.MAX_PAYLOAD_LENGTH - AesGcmTransform.TAG_LENGTH
            - RtpRewriter.TRANSPORT_CC_EXTENSION_LENGTH - RtpRewriter.OSN_LENGTH;
    private static final int SESSION_ID_BYTES = 16;
    private static final String CNAME = "camrelay";
    private static final String STREAM_ID = "camrelay";

    /** The session negotiated (not yet attached or started), or why the offer cannot be answered. */
    record Result(WhepSession session, String rejection) {
    }

    private final SecureRandom random;
    private final SdpFingerprint fingerprint;
    private final List<InetAddress> hostAddresses;
    private final int port;
    private final WhepSession.DatagramWriter dtlsWriter;

    /**
     * @param fingerprint   of the relay's DTLS certificate
     * @param hostAddresses the host candidates' addresses, on {@code port}
     * @param dtlsWriter    where the sessions' DTLS datagrams go
     */
    OfferAnswer(SecureRandom random, SdpFingerprint fingerprint, List<InetAddress> hostAddresses, int port,
                WhepSession.DatagramWriter dtlsWriter) {
        this.random = random;
        this.fingerprint = fingerprint;
        this.hostAddresses = List.copyOf(hostAddresses);
        this.port = port;
        this.dtlsWriter = dtlsWriter;
    }

    Result answer(ViewerSession viewer, SdpOffer offer, StreamFormat format) {
        IceCredentials credentials = IceCredentials.generate(random);
        int videoSsrc = random.nextInt() | 1;
        int rtxSsrc = random.nextInt() | 1;
        int audioSsrc = random.nextInt() | 1;
        AnswerOptions options = new AnswerOptions(credentials, fingerprint, hostAddresses, port,
                videoSsrc & 0xFFFF_FFFFL, audioSsrc & 0xFFFF_FFFFL, CNAME, STREAM_ID,
                random.nextLong() & Long.MAX_VALUE, rtxSsrc & 0xFFFF_FFFFL);
        WhepAnswerBuilder.Result result = WhepAnswerBuilder.answer(offer, format, options);
        if (!result.accepted()) {
            return new Result(null, result.rejection());
        }
        WhepAnswer answer = result.answer();
        TrackFormat video = format.video().orElseThrow();
        AudioPacketizer audio = null;
        int audioTrack = -1;
        if (answer.audioCodec() != null) {
            TrackFormat track = format.audio().orElseThrow();
            audio = new AudioPacketizer(audioSsrc, answer.audioPayloadType(), answer.audioCodec() == Codec.OPUS,
                    track.clockRate(), random.nextInt(1 << 16), random.nextInt(), MAX_RTP_PAYLOAD);
            audioTrack = track.trackId();
        }
        byte[] id = new byte[SESSION_ID_BYTES];
        random.nextBytes(id);
        IceLiteSession ice = new IceLiteSession(credentials, offer.iceUfrag(), System.nanoTime());
        WhepSession session = new WhepSession(HexFormat.of().formatHex(id), viewer, ice, dtlsWriter, answer,
                videoSsrc, video.trackId(), videoPacketizer(answer, video, videoSsrc), rtxSsrc,
                random.nextInt(1 << 16), audioSsrc, audioTrack, audio, random.nextInt(1 << 16));
        return new Result(session, null);
    }

    /** New local ICE credentials for an ICE restart (RFC 8445 §9) towards the viewer's new ufrag. */
    IceLiteSession restartedIce(String remoteUfrag) {
        return new IceLiteSession(IceCredentials.generate(random), remoteUfrag, System.nanoTime());
    }

    /** The {@code application/trickle-ice-sdpfrag} answering a restart with {@code ice}'s credentials. */
    String restartFragment(IceLiteSession ice, WhepAnswer answer) {
        return WhepAnswerBuilder.iceRestartFragment(ice.localCredentials(), hostAddresses, port, answer);
    }

    /** H.264 (RFC 6184) or, when the answer chose it for an H.265 camera, H.265 (RFC 7798). */
    private VideoPacketizer videoPacketizer(WhepAnswer answer, TrackFormat video, int ssrc) {
        List<byte[]> sets = video.parameterSets();
        if (answer.videoCodec() == Codec.H265) {
            H265Packetizer h265 = new H265Packetizer(ssrc, answer.videoPayloadType(), random.nextInt(1 << 16),
                    random.nextInt(), MAX_RTP_PAYLOAD);
            h265.parameterSets(sets);
            return h265;
        }
        H264Packetizer h264 = new H264Packetizer(ssrc, answer.videoPayloadType(), random.nextInt(1 << 16),
                random.nextInt(), MAX_RTP_PAYLOAD);
        if (sets.size() >= 2 && sets.get(0).length <= H264Packetizer.MAX_PARAMETER_SET_LENGTH
                && sets.get(1).length <= H264Packetizer.MAX_PARAMETER_SET_LENGTH) {
            h264.parameterSets(sets.get(0), sets.get(1));
        }
        return h264;
    }
}
