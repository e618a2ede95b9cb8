package dev.camrelay.rtsp.client;

import dev.camrelay.rtsp.receive.ReceiveCounters;
import io.netty.channel.socket.DatagramChannel;

/**
 * How one pull session carries media (protocols.md 1.4).
 *
 * @param datagramChannel the UDP channel type of the session's event loop (epoll or NIO), or null for TCP only
 * @param counters        where refused and lost media are counted
 */
public record PullOptions(Class<? extends DatagramChannel> datagramChannel, ReceiveCounters counters) {

    public PullOptions {
        counters = counters == null ? ReceiveCounters.NONE : counters;
    }

    /** RTP interleaved on the RTSP connection only. */
    public static PullOptions tcpOnly() {
        return new PullOptions(null, ReceiveCounters.NONE);
    }

    /** UDP first, with the fallbacks to TCP of {@link RtspPullSession}. */
    public static PullOptions udpFirst(Class<? extends DatagramChannel> datagramChannel, ReceiveCounters counters) {
        return new PullOptions(datagramChannel, counters);
    }

    public boolean udp() {
        return datagramChannel != null;
    }
}
