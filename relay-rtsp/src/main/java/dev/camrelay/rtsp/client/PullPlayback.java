package dev.camrelay.rtsp.client;

import dev.camrelay.rtsp.message.RtspRequest;
import dev.camrelay.rtsp.message.RtspResponse;
import dev.camrelay.rtsp.receive.TrackTally;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Threading: confined to the pull session's event loop (its timers run there too).
 *
 * <p>The playing state of a pull session, once PLAY is answered (protocols.md 1.6, 1.7): a keepalive (GET_PARAMETER
 * if OPTIONS listed it, else OPTIONS) every max(timeout - 5 s, 1 s) sent to the base URL without awaiting its reply,
 * a 401 to it answered once with new credentials (Axis after 150 s); RTCP receiver reports every
 * {@link #RECEIVER_REPORT_PERIOD_MILLIS} on UDP and TCP alike; the tracks' loss and invalid packets reported every
 * {@link TrackTally#TICK_MILLIS}; and liveness: no RTP or RTCP for {@link #LIVENESS_TIMEOUT_NANOS} fails the session.
 */
final class PullPlayback {

    /** No RTP/RTCP for this long after PLAY fails the session (gortsplib default, protocols.md 1.7). */
    static final long LIVENESS_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** RTCP receiver reports at least every 5 s (protocols.md 1.6, gortsplib receiverReportPeriod). */
    static final long RECEIVER_REPORT_PERIOD_MILLIS = 4_000;
    /** The keepalive goes this long before the session timeout (gortsplib). */
    private static final int KEEPALIVE_MARGIN_SECONDS = 5;
    private static final long LIVENESS_CHECK_MILLIS = 1_000;

    private final PullTracks tracks;
    private final TrackTally tally;
    private final ClientRequests requests;
    private final Consumer<String> fail;
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();
    private ChannelHandlerContext ctx;
    private String baseUrl;
    private boolean getParameter;
    private boolean started;
    private RtspRequest keepaliveSent;
    private long lastMediaNanos;
    /** Written on the session's loop only; volatile because the session's monitors read it from other threads. */
    private volatile long reportsSent;

    /** @param fail ends the session with a reason (liveness) */
    PullPlayback(PullTracks tracks, TrackTally tally, ClientRequests requests, Consumer<String> fail) {
        this.tracks = tracks;
        this.tally = tally;
        this.requests = requests;
        this.fail = fail;
    }

    /** PLAY was answered: the timers start. */
    void start(ChannelHandlerContext ctx, String baseUrl, int sessionTimeoutSeconds, boolean getParameter) {
        this.ctx = ctx;
        this.baseUrl = baseUrl;
        this.getParameter = getParameter;
        this.started = true;
        lastMediaNanos = System.nanoTime();
        every(this::keepalive, TimeUnit.SECONDS.toMillis(Math.max(sessionTimeoutSeconds - KEEPALIVE_MARGIN_SECONDS,
                1)));
        every(this::checkLiveness, LIVENESS_CHECK_MILLIS);
        every(this::sendReceiverReports, RECEIVER_REPORT_PERIOD_MILLIS);
        every(() -> tally.tick(tracks.receivers(), System.nanoTime()), TrackTally.TICK_MILLIS);
    }

    /** A timer of the session that is cancelled with the others (the UDP first-packet timeout). */
    void schedule(Runnable task, long delayNanos) {
        timers.add(ctx.executor().schedule(task, delayNanos, TimeUnit.NANOSECONDS));
    }

    private void every(Runnable task, long periodMillis) {
        timers.add(ctx.executor().scheduleAtFixedRate(task, periodMillis, periodMillis, TimeUnit.MILLISECONDS));
    }

    /** RTP or RTCP arrived. */
    void mediaArrived(long nowNanos) {
        lastMediaNanos = nowNanos;
    }

    /** True if {@code r} answers the last keepalive (then it is handled here: a 401 is answered, not awaited). */
    boolean onKeepaliveAnswer(RtspResponse r) {
        if (!ClientRequests.answers(keepaliveSent, r)) {
            return false;
        }
        RtspRequest k = keepaliveSent;
        keepaliveSent = null;
        if (r.status() == 401 && requests.challenged(r)) {
            ctx.writeAndFlush(requests.retry(k)); // a new nonce (Axis after 150 s)
        }
        return true;
    }

    private void keepalive() {
        // Sent to the base URL and not awaited (gortsplib doKeepAlive).
        keepaliveSent = requests.request(getParameter ? "GET_PARAMETER" : "OPTIONS", baseUrl);
        ctx.writeAndFlush(keepaliveSent);
    }

    private void sendReceiverReports() {
        reportsSent = reportsSent + tracks.sendReceiverReports(ctx, System.nanoTime()); // one writer: no lost update
    }

    private void checkLiveness() {
        if (System.nanoTime() - lastMediaNanos > LIVENESS_TIMEOUT_NANOS) {
            fail.accept("no RTP or RTCP for " + TimeUnit.NANOSECONDS.toSeconds(LIVENESS_TIMEOUT_NANOS) + " s");
        }
    }

    long receiverReportsSent() {
        return reportsSent;
    }

    /** Cancels every timer; what arrived since the last tally tick is counted too. */
    void stop() {
        if (started) {
            tally.tick(tracks.receivers(), System.nanoTime());
        }
        for (ScheduledFuture<?> t : timers) {
            t.cancel(false);
        }
        timers.clear();
    }
}
