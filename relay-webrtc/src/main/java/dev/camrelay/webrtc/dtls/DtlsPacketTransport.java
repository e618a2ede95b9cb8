package dev.camrelay.webrtc.dtls;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;
import org.bouncycastle.tls.DatagramTransport;

/**
 * Two threads: the UDP I/O thread calls {@link #offer} with each DTLS datagram the demultiplexer routed to this
 * session; one DTLS thread (the handshake, then the DTLS transport) calls {@link #receive} and {@link #send}.
 * {@link #close} may be called from any thread.
 *
 * <p>BouncyCastle's blocking DTLS engine over the shared WebRTC port: inbound datagrams wait in a bounded queue
 * (full: dropped and counted, DTLS retransmits), outbound ones go to the {@link Sink}, which writes to the peer's
 * nominated address. The send limit is 1200 bytes so no handshake flight fragments at the IP layer (Janus
 * {@code dtls_mtu}; protocols.md 6.3). Datagrams are copied on arrival: DTLS carries only the handshake here, a few
 * packets per session, never media.
 */
public final class DtlsPacketTransport implements DatagramTransport {

    /** Largest DTLS record datagram sent. */
    public static final int SEND_LIMIT = 1200;
    /** Largest datagram accepted (Ethernet MTU payload). */
    public static final int RECEIVE_LIMIT = 1500;
    public static final int QUEUE_CAPACITY = 32;

    /** Where outbound DTLS datagrams go; called on the DTLS thread. */
    @FunctionalInterface
    public interface Sink {
        void send(byte[] datagram, int offset, int length) throws IOException;
    }

    private final ArrayBlockingQueue<byte[]> inbound = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Sink sink;
    private volatile boolean closed;
    private volatile long droppedInbound;

    public DtlsPacketTransport(Sink sink) {
        this.sink = sink;
    }

    /**
     * Hands one received DTLS datagram to the DTLS thread (I/O thread only).
     *
     * @return false when dropped: closed, oversize or queue full
     */
    public boolean offer(DirectBuffer buffer, int offset, int length) {
        if (closed || length > RECEIVE_LIMIT || length <= 0) {
            droppedInbound++;
            return false;
        }
        byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        if (!inbound.offer(copy)) {
            droppedInbound++;
            return false;
        }
        return true;
    }

    /** Datagrams dropped by {@link #offer} (written only by the I/O thread). */
    public long droppedInbound() {
        return droppedInbound;
    }

    @Override
    public int getReceiveLimit() {
        return RECEIVE_LIMIT;
    }

    @Override
    public int getSendLimit() {
        return SEND_LIMIT;
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        if (closed) {
            throw new IOException("DTLS transport closed");
        }
        byte[] datagram;
        try {
            datagram = inbound.poll(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for DTLS");
        }
        if (datagram == null) {
            return -1;
        }
        int n = Math.min(len, datagram.length);
        System.arraycopy(datagram, 0, buf, off, n);
        return n;
    }

    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("DTLS transport closed");
        }
        sink.send(buf, off, len);
    }

    @Override
    public void close() {
        closed = true;
        inbound.clear();
    }
}
