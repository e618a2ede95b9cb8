package dev.camrelay.server.webrtc;

import dev.camrelay.core.buffer.FrameView;
import dev.camrelay.core.buffer.StreamReader;
import dev.camrelay.webrtc.rtp.H264Packetizer;
import dev.camrelay.webrtc.rtp.RtpDescriptor;
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
 * <p>Per session and turn: answer queued NACKs from the send history (RFC 4585 §6.2.1), honour picture-loss
 * requests at most once per {@link #PICTURE_LOSS_INTERVAL_NANOS} by skipping to the next keyframe (the reader's
 * stream has one every GOP; the relay cannot ask a camera for one), poll the session's own {@link StreamReader} for
 * up to {@link #MAX_FRAMES_PER_TURN} frames, packetize, SRTP-protect and send them, and send an RTCP sender report
 * about every {@link #REPORT_INTERVAL_NANOS}. The reader checks provenance itself and fails closed; a closed reader
 * of a session that is still active is reopened through its viewer session (a new epoch), else the session ends.
 */
final class WhepSender implements Agent {

    /** Frames per session per turn, so one session catching up cannot starve the others. */
    static final int MAX_FRAMES_PER_TURN = 4;
    /** RTCP SR period (RFC 3550 §6.2 allows any; browsers need one for A/V sync and RTT). */
    static final long REPORT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** PLI/FIR are answered at most this often (RFC 5104 §4.3.1.2 leaves the rate to the sender). */
    static final long PICTURE_LOSS_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** How often a session without a reader (camera not live) tries again. */
    static final long READER_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Room for the largest RTP packet and any SRTP/SRTCP overhead. */
    static final int SCRATCH_LENGTH = 1500;

    /** Where protected datagrams go (the UDP port); called on the agent thread. */
    interface DatagramSink {
        void send(byte[] datagram, int length, InetSocketAddress to);

        void flush();
    }

    private final ManyToOneConcurrentArrayQueue<WhepSession> added = new ManyToOneConcurrentArrayQueue<>(1024);
    private final ArrayList<WhepSession> sessions = new ArrayList<>();
    /** Kept in a field: a method reference made per {@code doWork} would allocate on every idle spin. */
    private final Consumer<WhepSession> adopt = sessions::add;
    private final byte[] scratch = new byte[SCRATCH_LENGTH];
    private final UnsafeBuffer scratchView = new UnsafeBuffer(scratch);
    private final DatagramSink sink;
    private final WebRtcCounters counters;
    private final BiConsumer<WhepSession, String> closer;
    private final Clock clock;
    private int sentThisTurn;

    /**
     * @param closer ends a session (from this thread) with a reason
     */
    WhepSender(DatagramSink sink, WebRtcCounters counters, BiConsumer<WhepSession, String> closer, Clock clock) {
        this.sink = sink;
        this.counters = counters;
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
        sentThisTurn = 0;
        for (int i = sessions.size() - 1; i >= 0; i--) {
            WhepSession s = sessions.get(i);
            if (s.isClosed()) {
                closeReader(s);
                sessions.remove(i);
                continue;
            }
            work += service(s, now);
        }
        if (sentThisTurn > 0) {
            sink.flush();
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

    private int service(WhepSession s, long now) {
        SrtpTransform srtp = s.outbound();
        InetSocketAddress to = s.ice.nominatedAddress();
        if (srtp == null || to == null) {
            return 0;
        }
        int work = answerFeedback(s, srtp, to, now);
        if (s.reader == null && !openReader(s, now)) {
            return work;
        }
        for (int i = 0; i < MAX_FRAMES_PER_TURN; i++) {
            int status = s.reader.poll();
            if (status == StreamReader.FRAME) {
                sendFrame(s, s.reader.frame(), srtp, to, now);
                work++;
            } else {
                if (status == StreamReader.END_OF_STREAM || status == StreamReader.CLOSED) {
                    // The epoch ended (camera restarted) or the reader was closed (session ended, or isolation
                    // check failed): reopen through the viewer session, which refuses when it is over.
                    closeReader(s);
                    s.nextReaderAttemptNanos = now;
                }
                break;
            }
        }
        if (now - s.nextReportNanos >= 0 && s.packetsSent > 0) {
            sendReport(s, srtp, to, now);
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
        // A new reader starts at the latest keyframe; the packetizer rebases its clock there (new epoch) and
        // sends the IDR with its parameter sets.
        return true;
    }

    private void sendFrame(WhepSession s, FrameView frame, SrtpTransform srtp, InetSocketAddress to, long now) {
        if (frame.track() != s.videoTrack) {
            return;
        }
        H264Packetizer p = s.packetizer;
        int status = p.beginAccessUnit(frame.buffer(), frame.payloadOffset(), frame.payloadLength(), frame.pts(),
                s.reader.expectedKey().epoch(), now);
        if (status != H264Packetizer.READY) {
            return;
        }
        int length;
        while ((length = p.nextPacket(scratchView, 0)) != H264Packetizer.DONE) {
            s.history.store(scratchView, 0, length, now);
            sendRtp(s, srtp, length, to);
        }
        s.lastRtpTimestamp = p.timestamp();
        s.lastRtpTimestampNanos = now;
        WebRtcCounters.add(counters.framesSent, 1);
    }

    private int answerFeedback(WhepSession s, SrtpTransform srtp, InetSocketAddress to, long now) {
        int work = 0;
        int sequence;
        while ((sequence = s.feedback.pollNack()) >= 0) {
            int length = s.history.retransmit(sequence, now, scratchView, 0);
            if (length > 0) {
                sendRtp(s, srtp, length, to);
                WebRtcCounters.add(counters.retransmissions, 1);
            }
            work++;
        }
        int pictureLoss = s.feedback.takePictureLoss();
        if (pictureLoss > 0) {
            WebRtcCounters.add(counters.plisReceived, pictureLoss);
            if (now - s.lastPictureLossAnswerNanos >= PICTURE_LOSS_INTERVAL_NANOS) {
                s.lastPictureLossAnswerNanos = now;
                s.packetizer.requestKeyframe();
            }
            work++;
        }
        return work;
    }

    private void sendRtp(WhepSession s, SrtpTransform srtp, int length, InetSocketAddress to) {
        int protectedLength = srtp.protectRtp(scratch, 0, length);
        if (protectedLength < 0) {
            return;
        }
        sink.send(scratch, protectedLength, to);
        s.packetsSent++;
        s.octetsSent += length - RtpDescriptor.HEADER_LENGTH;
        sentThisTurn++;
        WebRtcCounters.add(counters.packetsSent, 1);
        WebRtcCounters.add(counters.bytesSent, protectedLength);
    }

    private void sendReport(WhepSession s, SrtpTransform srtp, InetSocketAddress to, long now) {
        // The RTP time of "now": the last frame's timestamp advanced by the wall time since (90 kHz).
        int rtpNow = s.lastRtpTimestamp + (int) ((now - s.lastRtpTimestampNanos) * 9 / 100_000);
        int length = SenderReport.write(scratch, s.videoSsrc, clock.millis(), rtpNow, s.packetsSent, s.octetsSent);
        int protectedLength = srtp.protectRtcp(scratch, 0, length);
        if (protectedLength > 0) {
            sink.send(scratch, protectedLength, to);
            sentThisTurn++;
        }
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
