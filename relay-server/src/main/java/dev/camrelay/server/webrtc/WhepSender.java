package dev.camrelay.server.webrtc;

import dev.camrelay.core.buffer.FrameView;
import dev.camrelay.core.buffer.StreamReader;
import dev.camrelay.webrtc.cc.TransportCcFeedback;
import dev.camrelay.webrtc.rtp.AudioPacketizer;
import dev.camrelay.webrtc.rtp.RtcpFeedbackHandler;
import dev.camrelay.webrtc.rtp.RtpDescriptor;
import dev.camrelay.webrtc.rtp.RtpRewriter;
import dev.camrelay.webrtc.rtp.VideoPacketizer;
import dev.camrelay.webrtc.srtp.SrtpTransform;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * An Agrona {@link Agent} on one dedicated thread that owns many sessions: {@link #add} may be called from any
 * thread; everything else runs on the agent's thread.
 *
 * <p>Per session and turn: parse the viewer's RTCP queued by the UDP thread (NACKs answered at once from the send
 * history, on the RTX stream when negotiated, RFC 4588; report blocks, REMB and transport-wide feedback into the
 * session's estimate), honour picture-loss requests at most once per {@link #PICTURE_LOSS_INTERVAL_NANOS} by
 * skipping to the next keyframe (requests of a burst are merged: the reader's stream has one every GOP; the relay
 * cannot ask a camera for one), poll the session's own {@link StreamReader} for up to {@link #MAX_FRAMES_PER_TURN}
 * frames while the send ring has {@link #FRAME_ROOM} datagrams of room (else the frames wait in the stream buffer and
 * the session goes first next turn), packetize video and audio, add the transport-wide sequence number when
 * negotiated, SRTP-protect and send them, and send an RTCP sender report per SSRC about every
 * {@link #REPORT_INTERVAL_NANOS}. The reader checks provenance itself and fails closed; a closed reader of a session
 * that is still active is reopened through its viewer session (a new epoch), else the session ends.
 */
final class WhepSender implements Agent {

    /** Frames per session per turn (video and audio), so one session catching up cannot starve the others. */
    static final int MAX_FRAMES_PER_TURN = 8;
    /** RTCP SR period (RFC 3550 §6.2 allows any; browsers need one for A/V sync and RTT). */
    static final long REPORT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** PLI/FIR are answered at most this often (RFC 5104 §4.3.1.2 leaves the rate to the sender). */
    static final long PICTURE_LOSS_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** How often a session without a reader (camera not live) tries again. */
    static final long READER_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Room for the headroom, the largest RTP packet and any SRTP/SRTCP overhead. */
    static final int SCRATCH_LENGTH = 1500;
    static final int AUDIO_SR_SLOT = 64;

    /**
     * Datagrams of room the send ring must have before another frame is taken from a reader: a 300 KB keyframe.
     * With less, frames wait in their stream buffers (which is what those are for) until the UDP loop catches up,
     * instead of overflowing the ring.
     */
    static final int FRAME_ROOM = 256;

    /** Where protected datagrams go (the UDP port); called on the agent thread. */
    interface DatagramSink {
        void send(byte[] datagram, int offset, int length, InetSocketAddress to);

        void flush();

        /** Datagrams that can be queued now without waiting. */
        int room();
    }

    private final ManyToOneConcurrentArrayQueue<WhepSession> added = new ManyToOneConcurrentArrayQueue<>(1024);
    private final ArrayList<WhepSession> sessions = new ArrayList<>();
    /** Kept in a field: a method reference made per {@code doWork} would allocate on every idle spin. */
    private final Consumer<WhepSession> adopt = sessions::add;
    private final byte[] scratch = new byte[SCRATCH_LENGTH];
    private final UnsafeBuffer scratchView = new UnsafeBuffer(scratch);
    private final Feedback feedback = new Feedback();
    private final long[] malformed = new long[1];
    private final DatagramSink sink;
    private final WebRtcCounters counters;
    private final FrameLatency latency;
    private final BiConsumer<WhepSession, String> closer;
    private final Clock clock;
    /** NTP time (RFC 3550 §4) from the monotonic clock, anchored once to the wall clock: no allocation per use. */
    private final long anchorUnixMicros;
    private final long anchorNanos;
    private int sentThisTurn;
    /** Where the next turn starts, so that sessions held back by a full ring go first next time. */
    private int start;

    /**
     * @param closer ends a session (from this thread) with a reason
     */
    WhepSender(DatagramSink sink, WebRtcCounters counters, FrameLatency latency,
               BiConsumer<WhepSession, String> closer, Clock clock) {
        this.sink = sink;
        this.counters = counters;
        this.latency = latency;
        this.closer = closer;
        this.clock = clock;
        Instant now = clock.instant();
        this.anchorNanos = System.nanoTime();
        this.anchorUnixMicros = now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }

    /** Hands a session to the agent (any thread); false if the hand-over queue is full. */
    boolean add(WhepSession session) {
        return added.offer(session);
    }

    @Override
    public String roleName() {
        return "webrtc-sender";
    }

    @Override
    public int doWork() {
        int work = added.drain(adopt);
        long now = System.nanoTime();
        sentThisTurn = 0;
        for (int i = sessions.size() - 1; i >= 0; i--) {
            if (sessions.get(i).isClosed()) {
                closeReader(sessions.get(i));
                sessions.remove(i);
            }
        }
        int n = sessions.size();
        if (start >= n) {
            start = 0;
        }
        int heldBack = -1;
        for (int k = 0; k < n; k++) {
            int i = (start + k) % n;
            int done = service(sessions.get(i), now);
            if (done < 0) {
                // No work counted: the idle strategy then yields the core to the UDP loop that must drain the ring.
                heldBack = heldBack < 0 ? i : heldBack;
                done = 0;
            }
            work += done;
        }
        start = heldBack >= 0 ? heldBack : start + 1;
        if (sentThisTurn > 0) {
            sink.flush();
        }
        if (malformed[0] > 0) {
            WebRtcCounters.add(counters.rtcpMalformed, malformed[0]);
            malformed[0] = 0;
        }
        return work;
    }

    @Override
    public void onClose() {
        for (WhepSession s : sessions) {
            closeReader(s);
        }
        sessions.clear();
    }

    /** @return work done, or -1 when the session's frames were held back by a full send ring */
    private int service(WhepSession s, long now) {
        SrtpTransform srtp = s.outbound();
        InetSocketAddress to = s.nominatedAddress();
        if (srtp == null || to == null) {
            return 0;
        }
        int work = answerFeedback(s, srtp, to, now);
        if (s.reader == null && !openReader(s, now)) {
            return work;
        }
        for (int i = 0; i < MAX_FRAMES_PER_TURN; i++) {
            if (sink.room() < FRAME_ROOM) {
                sink.flush();
                return -1; // held back: its frames wait in the stream buffer; this session goes first next turn
            }
            int status = s.reader.poll();
            if (status == StreamReader.FRAME) {
                FrameView frame = s.reader.frame();
                if (frame.track() == s.videoTrack) {
                    sendVideo(s, frame, srtp, to, now);
                } else if (frame.track() == s.audioTrack) {
                    sendAudio(s, frame, srtp, to, now);
                }
                work++;
            } else {
                // Nothing more to read: the session has caught up with the camera. Frames before this were the
                // start-up burst from the latest keyframe (first-frame time), not relay latency.
                s.live = status == StreamReader.NOTHING || s.live;
                if (status == StreamReader.END_OF_STREAM || status == StreamReader.CLOSED) {
                    // The epoch ended (camera restarted) or the reader was closed (session ended, or isolation
                    // check failed): reopen through the viewer session, which refuses when it is over.
                    closeReader(s);
                    s.nextReaderAttemptNanos = now;
                }
                break;
            }
        }
        if (now - s.nextReportNanos >= 0 && s.videoStats.packets > 0) {
            sendReport(s, s.videoSsrc, s.videoStats, RtpDescriptor.H264_CLOCK_RATE, srtp, to, now);
            if (s.audio != null && s.audioStats.packets > 0) {
                sendReport(s, s.audioSsrc, s.audioStats, s.audio.clockRate(), srtp, to, now);
            }
            s.nextReportNanos = now + REPORT_INTERVAL_NANOS;
            if (!s.viewer.isActive(clock.instant())) {
                closer.accept(s, "viewer session ended");
            }
        }
        return work;
    }

    private boolean openReader(WhepSession s, long now) {
        if (now - s.nextReaderAttemptNanos < 0) {
            return false;
        }
        s.nextReaderAttemptNanos = now + READER_RETRY_NANOS;
        Optional<StreamReader> reader = s.viewer.openReader(0);
        if (reader.isEmpty()) {
            if (!s.viewer.isActive(clock.instant())) {
                closer.accept(s, "viewer session ended");
            }
            return false;
        }
        s.reader = reader.get();
        s.live = false;
        // A new reader starts at the latest keyframe; the packetizer rebases its clock there (new epoch) and
        // sends the IDR with its parameter sets.
        return true;
    }

    private void sendVideo(WhepSession s, FrameView frame, SrtpTransform srtp, InetSocketAddress to, long now) {
        VideoPacketizer p = s.packetizer;
        int status = p.beginAccessUnit(frame.buffer(), frame.payloadOffset(), frame.payloadLength(), frame.pts(),
                s.reader.expectedKey().epoch(), now);
        if (status != VideoPacketizer.READY) {
            return;
        }
        int length;
        while ((length = p.nextPacket(scratchView, RtpRewriter.HEADROOM)) != VideoPacketizer.DONE) {
            s.history.store(scratchView, RtpRewriter.HEADROOM, length, now);
            sendPlain(s, srtp, length, to, now, s.transport != null);
            s.videoStats.packets++;
            s.videoStats.octets += length - RtpDescriptor.HEADER_LENGTH;
        }
        s.videoStats.lastRtpTimestamp = p.timestamp();
        s.videoStats.lastRtpTimestampNanos = now;
        if (s.firstPacketNanos == 0) {
            s.firstPacketNanos = now;
        }
        if (s.live) {
            latency.record(frame, System.nanoTime());
        }
        WebRtcCounters.add(counters.framesSent, 1);
    }

    private void sendAudio(WhepSession s, FrameView frame, SrtpTransform srtp, InetSocketAddress to, long now) {
        AudioPacketizer p = s.audio;
        if (p.beginFrame(frame.buffer(), frame.payloadOffset(), frame.payloadLength(), frame.pts(),
                s.reader.expectedKey().epoch(), now) != AudioPacketizer.READY) {
            return;
        }
        int length;
        boolean transportCc = s.transport != null && s.answer.audioTransportCc();
        while ((length = p.nextPacket(scratchView, RtpRewriter.HEADROOM)) != AudioPacketizer.DONE) {
            sendPlain(s, srtp, length, to, now, transportCc);
            s.audioStats.packets++;
            s.audioStats.octets += length - RtpDescriptor.HEADER_LENGTH;
        }
        s.audioStats.lastRtpTimestamp = p.timestamp();
        s.audioStats.lastRtpTimestampNanos = now;
        WebRtcCounters.add(counters.audioFramesSent, 1);
    }

    private int answerFeedback(WhepSession s, SrtpTransform srtp, InetSocketAddress to, long now) {
        feedback.begin(s, srtp, to, now);
        int work = s.rtcp.drain(feedback, malformed);
        if (s.pendingPictureLoss > 0) {
            WebRtcCounters.add(counters.plisReceived, s.pendingPictureLoss);
            s.pendingPictureLoss = 0;
            if (now - s.lastPictureLossAnswerNanos >= PICTURE_LOSS_INTERVAL_NANOS) {
                s.lastPictureLossAnswerNanos = now;
                s.packetizer.requestKeyframe();
            }
            work++;
        }
        return work;
    }

    /** Resends one NACKed packet from the history: on the RTX SSRC when negotiated, else as it was. */
    private void resend(WhepSession s, int sequence, SrtpTransform srtp, InetSocketAddress to, long now) {
        int length = s.history.retransmit(sequence, now, scratchView, RtpRewriter.HEADROOM);
        if (length <= 0) {
            return;
        }
        if (s.rtxPayloadType >= 0) {
            boolean twcc = s.transport != null;
            int start = RtpRewriter.toRtx(scratchView, length, s.rtxSsrc, s.rtxPayloadType, s.rtxSequence,
                    twcc ? s.transportCcId : 0, twcc ? s.transport.nextSequence() : 0);
            s.rtxSequence = (s.rtxSequence + 1) & 0xFFFF;
            protectAndSend(s, srtp, start, RtpRewriter.rtxLength(length, twcc), to, now, twcc);
        } else {
            sendPlain(s, srtp, length, to, now, s.transport != null);
        }
        WebRtcCounters.add(counters.retransmissions, 1);
    }

    /** Sends the plain packet at the headroom, with the transport-wide sequence number when asked. */
    private void sendPlain(WhepSession s, SrtpTransform srtp, int length, InetSocketAddress to, long now,
                           boolean transportCc) {
        if (!transportCc) {
            protectAndSend(s, srtp, RtpRewriter.HEADROOM, length, to, now, false);
            return;
        }
        int start = RtpRewriter.addTransportSequence(scratchView, s.transportCcId, s.transport.nextSequence());
        protectAndSend(s, srtp, start, length + RtpRewriter.TRANSPORT_CC_EXTENSION_LENGTH, to, now, true);
    }

    private void protectAndSend(WhepSession s, SrtpTransform srtp, int start, int length, InetSocketAddress to,
                                long now, boolean numbered) {
        int protectedLength = srtp.protectRtp(scratch, start, length);
        if (protectedLength < 0) {
            return;
        }
        if (numbered) {
            s.transport.onSend(protectedLength, now);
        }
        sink.send(scratch, start, protectedLength, to);
        sentThisTurn++;
        WebRtcCounters.add(counters.packetsSent, 1);
        WebRtcCounters.add(counters.bytesSent, protectedLength);
    }

    private void sendReport(WhepSession s, int ssrc, WhepSession.MediaStats stats, int clockRate,
                            SrtpTransform srtp, InetSocketAddress to, long now) {
        // The RTP time of "now": the latest packet's timestamp advanced by the wall time since.
        int rtpNow = stats.lastRtpTimestamp + (int) ((now - stats.lastRtpTimestampNanos) * clockRate
                / 1_000_000_000L);
        int length = SenderReport.write(scratch, ssrc, ntp(now), rtpNow, stats.packets, stats.octets);
        int protectedLength = srtp.protectRtcp(scratch, 0, length);
        if (protectedLength > 0) {
            sink.send(scratch, 0, protectedLength, to);
            sentThisTurn++;
        }
    }

    /** 64-bit NTP timestamp of the monotonic time {@code nanos}. */
    long ntp(long nanos) {
        return SenderReport.ntp(anchorUnixMicros + (nanos - anchorNanos) / 1000);
    }

    private static void closeReader(WhepSession s) {
        if (s.reader != null) {
            s.reader.close();
            s.reader = null;
        }
    }

    /** Sessions this agent currently owns (agent thread; for tests and logs). */
    int sessionCount() {
        return sessions.size();
    }

    /** The viewer's feedback of the session being serviced; one reused instance, so parsing allocates nothing. */
    private final class Feedback implements RtcpFeedbackHandler {
        private WhepSession s;
        private SrtpTransform srtp;
        private InetSocketAddress to;
        private long now;

        void begin(WhepSession session, SrtpTransform transform, InetSocketAddress target, long nowNanos) {
            s = session;
            srtp = transform;
            to = target;
            now = nowNanos;
        }

        @Override
        public void onNack(int mediaSsrc, int sequence) {
            if (mediaSsrc == s.videoSsrc) {
                WebRtcCounters.add(counters.nacksReceived, 1);
                resend(s, sequence, srtp, to, now);
            }
        }

        @Override
        public void onPictureLoss(int mediaSsrc) {
            if (mediaSsrc == s.videoSsrc) {
                s.pendingPictureLoss++;
            }
        }

        @Override
        public void onFullIntraRequest(int mediaSsrc, int commandSequence) {
            if (mediaSsrc == s.videoSsrc) {
                s.pendingPictureLoss++;
            }
        }

        @Override
        public void onReportBlock(int sourceSsrc, int fractionLost, int cumulativeLost, int highestSequence,
                                  int jitter, int lastSr, int delaySinceLastSr) {
            int arrival = (int) (ntp(now) >>> 16);
            s.estimator.onReportBlock(sourceSsrc, fractionLost, jitter, lastSr, delaySinceLastSr, arrival, now);
        }

        @Override
        public void onRemb(long bitsPerSecond, int firstSsrc) {
            s.estimator.onRemb(bitsPerSecond, now);
        }

        @Override
        public void onTransportFeedback(DirectBuffer buffer, int fci, int fciLength) {
            if (s.transport == null) {
                return;
            }
            s.estimator.beginFeedback();
            if (TransportCcFeedback.parse(buffer, fci, fciLength, s.estimator) == TransportCcFeedback.MALFORMED) {
                malformed[0]++;
            }
            s.estimator.endFeedback(now);
        }
    }
}
