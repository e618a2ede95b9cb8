package dev.camrelay.rtsp.receive;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;

/**
 * Threading: stateless.
 *
 * <p>Socket options every RTP/RTCP UDP channel needs. Netty's datagram default receive buffer is 2048 bytes and
 * truncates larger datagrams silently (riemann/riemann#603); cameras send RTP of ~10 kB (protocols.md 0.1).
 */
public final class UdpReceiveOptions {

    /** Largest datagram read whole: the UDP maximum (protocols.md 0.1). */
    public static final int MAX_DATAGRAM_LENGTH = 65_535;
    /** Kernel receive buffer asked for, to ride out bursts such as keyframes (protocols.md 0.2). */
    public static final int SO_RCVBUF_BYTES = 1024 * 1024;

    private UdpReceiveOptions() {
    }

    public static Bootstrap apply(Bootstrap bootstrap) {
        return bootstrap
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM_LENGTH))
                .option(ChannelOption.SO_RCVBUF, SO_RCVBUF_BYTES);
    }
}
