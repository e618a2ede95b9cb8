package dev.camrelay.server.webrtc;

import dev.camrelay.core.buffer.FrameView;
import dev.camrelay.core.buffer.StreamReader;
import dev.camrelay.webrtc.rtp.AudioPacketizer;
import dev.camrelay.webrtc.rtp.RtpDescriptor;
import dev.camrelay.webrtc.rtp.RtpRewriter;
import dev.camrelay.webrtc.rtp.VideoPacketizer;
import dev.camrelay.webrtc.srtp.SrtpTransform;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * An Agrona {@link Agent} on one dedicated thread that owns many sessions: {@link #add} may be called from any
 * thread; everything else runs on the agent's thread.
 *
 * <p>Per session and turn: act on the viewer's RTCP queued by the UDP thread ({@link ViewerFeedback}: NACKs, picture
 * loss, the estimate), poll the session's own {@link StreamReader} for up to {@link #MAX_FRAMES_PER_TURN} frames while
 * the send ring has room for a frame (else the frames wait in the stream buffer and the session goes first next
 * turn), packetize video and audio into {@link RtpOutput}, which numbers, protects and sends them, and send an RTCP
 * sender report per SSRC about every {@link #REPORT_INTERVAL_NANOS}. The reader checks provenance itself and fails
 * closed; a closed reader of a session that is still active is reopened through its viewer session (a new epoch),
 * else the session ends.
 */
final class WhepSender implements Agent {

    /** Frames per session per turn (video and audio), so one session catching up cannot starve the others. */
    static final int MAX_FRAMES_PER_TURN = 8;
    /** RTCP SR period (RFC 3550 §6.2 allows any; browsers need one for A/V sync and RTT). */
    static final long REPORT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How often a session without a reader (camera not live) tries again. */
    static final long READER_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Longest datagram the sender hands on (the send ring's slots are this long). */
    static final int SCRATCH_LENGTH = RtpOutput.SCRATCH_LENGTH;

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
    private final RtpOutput output;
    private final UnsafeBuffer scratch;
    private final ViewerFeedback feedback;
    private final WebRtcCounters counters;
    private final FrameLatency latency;
    private final BiConsumer<WhepSession, String> closer;
    private final Clock clock;
    /** Where the next turn starts, so that sessions held back by a full ring go first next time. */
    private int start;

    /**
     * @param closer ends a session (from this thread) with a reason
     */
    WhepSender(DatagramSink sink, WebRtcCounters counters, FrameLatency latency,
               BiConsumer<WhepSession, String> closer, Clock clock) {
        this.output = new RtpOutput(sink, counters, clock);
        this.scratch = output.scratch();
        this.feedback = new ViewerFeedback(output, counters);
        this.counters = counters;
        this.latency = latency;
        this.closer = closer;
        this.clock = clock;
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
        output.endTurn();
        long malformed = feedback.takeMalformed();
        if (malformed > 0) {
            WebRtcCounters.add(counters.rtcpMalformed, malformed);
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
        int work = feedback.answer(s, srtp, to, now);
        if (s.reader == null && !openReader(s, now)) {
            return work;
        }
        for (int i = 0; i < MAX_FRAMES_PER_TURN; i++) {
            if (!output.roomForFrame()) {
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
            output.sendReport(s.videoStats, s.videoSsrc, RtpDescriptor.H264_CLOCK_RATE, srtp, to, now);
            if (s.audio != null && s.audioStats.packets > 0) {
                output.sendReport(s.audioStats, s.audioSsrc, s.audio.clockRate(), srtp, to, now);
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
        while ((length = p.nextPacket(scratch, RtpRewriter.HEADROOM)) != VideoPacketizer.DONE) {
            s.history.store(scratch, RtpRewriter.HEADROOM, length, now);
            output.sendRtp(s, srtp, length, to, now, s.transport != null);
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
        while ((length = p.nextPacket(scratch, RtpRewriter.HEADROOM)) != AudioPacketizer.DONE) {
            output.sendRtp(s, srtp, length, to, now, transportCc);
            s.audioStats.packets++;
            s.audioStats.octets += length - RtpDescriptor.HEADER_LENGTH;
        }
        s.audioStats.lastRtpTimestamp = p.timestamp();
        s.audioStats.lastRtpTimestampNanos = now;
        WebRtcCounters.add(counters.audioFramesSent, 1);
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
}
