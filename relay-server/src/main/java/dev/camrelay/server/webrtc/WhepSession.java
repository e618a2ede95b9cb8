package dev.camrelay.server.webrtc;

import dev.camrelay.core.buffer.StreamReader;
import dev.camrelay.core.session.ViewerSession;
import dev.camrelay.webrtc.cc.SessionEstimator;
import dev.camrelay.webrtc.cc.TransportSequenceHistory;
import dev.camrelay.webrtc.dtls.DtlsPacketTransport;
import dev.camrelay.webrtc.ice.IceLiteSession;
import dev.camrelay.webrtc.rtp.AudioPacketizer;
import dev.camrelay.webrtc.rtp.VideoPacketizer;
import dev.camrelay.webrtc.rtp.RtpSendHistory;
import dev.camrelay.webrtc.sdp.WhepAnswer;
import dev.camrelay.webrtc.srtp.SrtpTransform;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Identity and negotiated fields are final and safe from any thread; the ICE state and ETag are volatile (an
 * ICE restart swaps them on the UDP event loop, restarts serialized by {@link #restartLock}); the DTLS thread
 * publishes the SRTP transforms once ({@link #keysReady}); the inbound transform and the {@link #rtcp} inbox's
 * producer side are used only by the UDP I/O thread; packetizers, histories, the estimator's writes, the reader and
 * report state only by the sender thread; {@link #markClosed} may be called from any thread and is idempotent.
 *
 * <p>One WHEP resource (RFC 9725 §4.2): the viewer session it plays for, its ICE-lite state, its DTLS transport, and
 * the RTP state of its SSRCs: video, its RTX stream when negotiated (RFC 4588), audio when the camera has Opus or
 * G.711 and the viewer offered it.
 */
final class WhepSession {

    final String id;
    /** A short hash of the id for logs and metric labels: the id itself is a capability (RelayMetrics). */
    final String label;
    final ViewerSession viewer;
    final DtlsPacketTransport dtls;
    final WhepAnswer answer;
    final int videoSsrc;
    final int videoTrack;
    /** RTX SSRC and payload type (RFC 4588), or 0 and -1 when not negotiated. */
    final int rtxSsrc;
    final int rtxPayloadType;
    final int audioSsrc;
    /** The camera's audio track sent, or -1. */
    final int audioTrack;
    /** transport-cc header extension id, 0 when not negotiated. */
    final int transportCcId;
    final RtcpInbox rtcp = new RtcpInbox();
    final Object restartLock = new Object();

    // Sender thread only.
    final VideoPacketizer packetizer;
    final AudioPacketizer audio;
    final RtpSendHistory history = new RtpSendHistory();
    final TransportSequenceHistory transport;
    final SessionEstimator estimator;
    final MediaStats videoStats = new MediaStats();
    final MediaStats audioStats = new MediaStats();
    StreamReader reader;
    /** The reader has caught up with the camera since it was opened (no start-up backlog left). */
    boolean live;
    int rtxSequence;
    int pendingPictureLoss;
    long nextReaderAttemptNanos;
    long nextReportNanos;
    long lastPictureLossAnswerNanos = Long.MIN_VALUE / 2;
    long firstPacketNanos;

    private volatile IceLiteSession ice;
    /** The ICE session before the latest restart, kept until the new one is nominated (RFC 9725 §4.3.2). */
    private volatile IceLiteSession previousIce;
    private volatile String etag;
    /** ICE restarts taken (written on the event loop, under {@link #restartLock}). */
    private volatile int iceRestarts;
    private volatile SrtpTransform outbound;
    private volatile SrtpTransform inbound;
    private final AtomicReference<String> closeReason = new AtomicReference<>();

    /** Per SSRC, what its sender report counts (RFC 3550 §6.4.1) and the RTP time of the latest packet. */
    static final class MediaStats {
        long packets;
        long octets;
        int lastRtpTimestamp;
        long lastRtpTimestampNanos;
    }

    /** Where the session's DTLS datagrams are written; called on its DTLS thread. */
    @FunctionalInterface
    interface DatagramWriter {
        void write(byte[] datagram, int offset, int length, InetSocketAddress to) throws IOException;
    }

    /**
     * @param dtlsWriter writes the DTLS transport's datagrams to the nominated address; before a nomination they are
     *                   dropped, and DTLS retransmits them (RFC 6347 §4.2.4)
     */
    WhepSession(String id, ViewerSession viewer, IceLiteSession ice, DatagramWriter dtlsWriter, WhepAnswer answer,
                int videoSsrc, int videoTrack, VideoPacketizer packetizer, int rtxSsrc, int rtxSequenceStart,
                int audioSsrc, int audioTrack, AudioPacketizer audio, int transportSequenceStart) {
        this.id = id;
        this.label = label(id);
        this.viewer = viewer;
        this.ice = ice;
        this.etag = etagOf(ice);
        this.dtls = new DtlsPacketTransport((datagram, offset, length) -> {
            InetSocketAddress to = nominatedAddress();
            if (to != null) {
                dtlsWriter.write(datagram, offset, length, to);
            }
        });
        this.answer = answer;
        this.videoSsrc = videoSsrc;
        this.videoTrack = videoTrack;
        this.packetizer = packetizer;
        this.rtxPayloadType = answer.rtxPayloadType();
        this.rtxSsrc = rtxPayloadType >= 0 ? rtxSsrc : 0;
        this.rtxSequence = rtxSequenceStart;
        this.audio = audio;
        this.audioSsrc = audioSsrc;
        this.audioTrack = audio == null ? -1 : audioTrack;
        this.transportCcId = answer.transportCcExtensionId();
        this.transport = transportCcId > 0 ? new TransportSequenceHistory(transportSequenceStart) : null;
        this.estimator = new SessionEstimator(audio == null ? new int[] {videoSsrc}
                : new int[] {videoSsrc, audioSsrc}, 90_000, transport);
    }

    private static String label(String id) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(hash, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String etagOf(IceLiteSession ice) {
        return "\"" + ice.localCredentials().ufrag() + "\"";
    }

    /** The current ICE session (the latest restart's). */
    IceLiteSession ice() {
        return ice;
    }

    IceLiteSession previousIce() {
        return previousIce;
    }

    String etag() {
        return etag;
    }

    /** Event loop, during a restart under {@link #restartLock}: the new credentials take over. */
    void restarted(IceLiteSession next) {
        previousIce = ice;
        ice = next;
        etag = etagOf(next);
        iceRestarts = iceRestarts + 1;
    }

    /** Event loop: the restart's new ICE session expired unused while the old kept consent; the old takes over. */
    void revertRestart(IceLiteSession old) {
        ice = old;
        previousIce = null;
        etag = etagOf(old);
    }

    /** Event loop: the old ICE session is gone (the new one was nominated, or its consent expired). */
    void forgetPrevious(IceLiteSession old) {
        if (previousIce == old) {
            previousIce = null;
        }
    }

    /** Where media goes: the current ICE session's nominated address, else the one before a restart's. */
    InetSocketAddress nominatedAddress() {
        InetSocketAddress to = ice.nominatedAddress();
        if (to != null) {
            return to;
        }
        IceLiteSession before = previousIce;
        return before == null ? null : before.nominatedAddress();
    }

    /** DTLS thread: the handshake finished; media may flow once ICE has nominated. */
    void keysReady(SrtpTransform out, SrtpTransform in) {
        inbound = in;
        outbound = out;
    }

    SrtpTransform outbound() {
        return outbound;
    }

    SrtpTransform inbound() {
        return inbound;
    }

    /** Marks the session closed; true for the first caller, who then tears it down. */
    boolean markClosed(String reason) {
        if (!closeReason.compareAndSet(null, reason)) {
            return false;
        }
        dtls.close();
        return true;
    }

    boolean isClosed() {
        return closeReason.get() != null;
    }

    String closeReason() {
        return closeReason.get();
    }

    String cameraId() {
        return viewer.cameraId();
    }

    /**
     * What {@code GET /api/v1/sessions} shows of this WHEP session (any thread; the estimate's values are read as
     * the sender thread last wrote them): the negotiated media, whether media flows, and the per-session estimate
     * built from the viewer's feedback.
     */
    Map<String, Object> details() {
        SessionEstimator e = estimator;
        Map<String, Object> estimate = new LinkedHashMap<>();
        estimate.put("bandwidthBitsPerSecond", e.bandwidth());
        estimate.put("receiveRateBitsPerSecond", e.receiveRate());
        estimate.put("rembBitsPerSecond", e.remb());
        estimate.put("lossFraction", e.lossFraction());
        estimate.put("rttMillis", e.rttMicros() / 1000.0);
        estimate.put("jitterMillis", e.jitterMillis());
        estimate.put("queueDelayMillis", e.queueDelayMicros() / 1000.0);
        estimate.put("reportBlocks", e.reportBlocks());
        estimate.put("transportFeedbacks", e.transportFeedbacks());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("whepSession", label);
        out.put("connected", outbound() != null && nominatedAddress() != null);
        IceLiteSession current = ice;
        out.put("iceRestarts", iceRestarts);
        out.put("iceNominated", current.isNominated());
        // True from a restart until its new ICE session is nominated (then the old one goes) or it falls back.
        out.put("iceRestartPending", previousIce != null);
        out.put("video", answer.videoCodec().name());
        out.put("audio", answer.audioCodec() == null ? null : answer.audioCodec().name());
        out.put("rtx", rtxPayloadType >= 0);
        out.put("transportCc", transportCcId > 0);
        out.put("estimate", estimate);
        return out;
    }

    @Override
    public String toString() {
        return "WhepSession[" + id.substring(0, 8) + "..., camera=" + viewer.cameraId() + ", " + ice + "]";
    }
}
