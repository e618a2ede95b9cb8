package dev.camrelay.server.webrtc;

import dev.camrelay.webrtc.dtls.DtlsPacketTransport;
import dev.camrelay.webrtc.dtls.DtlsSrtpServer;
import dev.camrelay.webrtc.dtls.SrtpKeyingMaterial;
import dev.camrelay.webrtc.srtp.SrtpTransforms;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One virtual thread per WHEP session, started by {@link #start}; stateless apart from that thread.
 *
 * <p>The session's DTLS association (RFC 6347; RFC 5764): BouncyCastle's blocking server handshake over the
 * session's {@link DtlsPacketTransport}, which the UDP event loop feeds; then the SRTP transforms published to the
 * session (server keys out, client keys in); then the association kept served until the session ends, so that a
 * lost final flight is retransmitted from here and a close_notify ends the session. A failed handshake ends it too.
 */
final class DtlsAssociation {

    private static final Logger LOG = LoggerFactory.getLogger(DtlsAssociation.class);
    /** How long one receive on the kept association waits before it looks at the session again. */
    private static final int RECEIVE_WAIT_MILLIS = 1000;

    private DtlsAssociation() {
    }

    /** Where a session's DTLS datagrams go: written on the UDP channel (its event loop sends them). */
    static WhepSession.DatagramWriter writer(Channel channel) {
        return (datagram, offset, length, to) -> {
            ByteBuf out = channel.alloc().directBuffer(length);
            out.writeBytes(datagram, offset, length);
            channel.writeAndFlush(new DatagramPacket(out, to));
        };
    }

    /** Starts the session's DTLS thread; {@code closer} ends the session with a reason. */
    static void start(WhepSession session, DtlsSrtpServer server, BiConsumer<WhepSession, String> closer) {
        Thread.ofVirtual().name("whep-dtls-" + session.id.substring(0, 8)).start(() -> run(session, server, closer));
    }

    private static void run(WhepSession session, DtlsSrtpServer server, BiConsumer<WhepSession, String> closer) {
        DTLSTransport transport;
        try {
            transport = new DTLSServerProtocol().accept(server, session.dtls);
        } catch (IOException | RuntimeException e) {
            closer.accept(session, "DTLS handshake failed: " + e.getMessage());
            return;
        }
        SrtpKeyingMaterial keys = server.keyingMaterial();
        session.keysReady(SrtpTransforms.outbound(keys, true), SrtpTransforms.inbound(keys, true));
        LOG.info("WHEP session {}: DTLS done, {}", session.id.substring(0, 8), keys.profile());
        byte[] buf = new byte[DtlsPacketTransport.RECEIVE_LIMIT];
        try {
            while (!session.isClosed()) {
                long started = System.nanoTime();
                int n = transport.receive(buf, 0, buf.length, RECEIVE_WAIT_MILLIS);
                long waited = System.nanoTime() - started;
                // -1 at once: the peer closed the association (close_notify); -1 after the wait: nothing came.
                boolean early = waited < TimeUnit.MILLISECONDS.toNanos(RECEIVE_WAIT_MILLIS / 2);
                if (n < 0 && early) {
                    closer.accept(session, "peer closed DTLS");
                }
            }
        } catch (IOException | RuntimeException e) {
            closer.accept(session, "DTLS ended: " + e.getMessage());
        }
    }
}
