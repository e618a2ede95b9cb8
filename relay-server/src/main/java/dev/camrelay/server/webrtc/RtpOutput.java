package dev.camrelay.server.webrtc;

import dev.camrelay.webrtc.rtp.RtpRewriter;
import dev.camrelay.webrtc.srtp.SrtpTransform;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Single-threaded: the sender agent's thread only.
 *
 * <p>The last stage of the send path, shared by every session the agent serves: one scratch array that packetizers
 * write into at {@link RtpRewriter#HEADROOM} (room for the header extension to be inserted in front), then per packet
 * the transport-wide sequence number when negotiated (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2),
 * SRTP protection, the send time in the session's transport-wide history, and the hand-over to the
 * {@link WhepSender.DatagramSink}; NACKed packets resent from the session's history, on its RTX stream when
 * negotiated (RFC 4588 §4), else as they were; RTCP sender reports (RFC 3550 §6.4.1) with NTP time from the
 * monotonic clock anchored once to the wall clock. Allocates nothing per packet; counts what it sends.
 */
final class RtpOutput {

    /** Room for the headroom, the largest RTP packet and any SRTP/SRTCP overhead. */
    static final int SCRATCH_LENGTH = 1500;
    /**
     * Datagrams of room the send ring must have before another frame is taken from a reader: a 300 KB keyframe.
     * With less, frames wait in their stream buffers (which is what those are for) until the UDP loop catches up,
     * instead of overflowing the ring.
     */
    static final int FRAME_ROOM = 256;

    private final byte[] scratch = new byte[SCRATCH_LENGTH];
    private final UnsafeBuffer scratchView = new UnsafeBuffer(scratch);
    private final WhepSender.DatagramSink sink;
    private final WebRtcCounters counters;
    /** NTP time (RFC 3550 §4) from the monotonic clock, anchored once to the wall clock: no allocation per use. */
    private final long anchorUnixMicros;
    private final long anchorNanos;
    private int sentThisTurn;

    RtpOutput(WhepSender.DatagramSink sink, WebRtcCounters counters, Clock clock) {
        this.sink = sink;
        this.counters = counters;
        Instant now = clock.instant();
        this.anchorNanos = System.nanoTime();
        this.anchorUnixMicros = now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }

    /** Where packetizers write the next plain RTP packet, at {@link RtpRewriter#HEADROOM}. */
    UnsafeBuffer scratch() {
        return scratchView;
    }

    /** True when the send ring has room for another frame ({@link #FRAME_ROOM}); else hands it to the loop. */
    boolean roomForFrame() {
        if (sink.room() >= FRAME_ROOM) {
            return true;
        }
        sink.flush();
        return false;
    }

    /** Flushes what this turn queued (once per turn). */
    void endTurn() {
        if (sentThisTurn > 0) {
            sink.flush();
            sentThisTurn = 0;
        }
    }

    /** Sends the plain packet at the headroom, with the transport-wide sequence number when asked. */
    void sendRtp(WhepSession s, SrtpTransform srtp, int length, InetSocketAddress to, long now, boolean transportCc) {
        if (!transportCc) {
            protectAndSend(s, srtp, RtpRewriter.HEADROOM, length, to, now, false);
            return;
        }
        int start = RtpRewriter.addTransportSequence(scratchView, s.transportCcId, s.transport.nextSequence());
        protectAndSend(s, srtp, start, length + RtpRewriter.TRANSPORT_CC_EXTENSION_LENGTH, to, now, true);
    }

    /** Resends one NACKed video packet from the session's history: on the RTX SSRC when negotiated, else as it was. */
    void resend(WhepSession s, int sequence, SrtpTransform srtp, InetSocketAddress to, long now) {
        int length = s.history.retransmit(sequence, now, scratchView, RtpRewriter.HEADROOM);
        if (length <= 0) {
            return;
        }
        if (s.rtxPayloadType >= 0) {
            // An RTX resend gets a transport-wide number of its own (draft-holmer §2).
            boolean twcc = s.transport != null;
            int start = RtpRewriter.toRtx(scratchView, length, s.rtxSsrc, s.rtxPayloadType, s.rtxSequence,
                    twcc ? s.transportCcId : 0, twcc ? s.transport.nextSequence() : 0);
            s.rtxSequence = (s.rtxSequence + 1) & 0xFFFF;
            protectAndSend(s, srtp, start, RtpRewriter.rtxLength(length, twcc), to, now, twcc);
        } else {
            sendRtp(s, srtp, length, to, now, s.transport != null);
        }
        WebRtcCounters.add(counters.retransmissions, 1);
    }

    /** An RTCP sender report about one of the session's SSRCs. */
    void sendReport(WhepSession.MediaStats stats, int ssrc, int clockRate, SrtpTransform srtp, InetSocketAddress to,
                    long now) {
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
}
