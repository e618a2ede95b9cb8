package dev.camrelay.rtsp.receive;

/**
 * Threading: implementations are thread-safe; the RTSP connections' event loops call them, a metrics scrape reads
 * them.
 *
 * <p>What the receive path refused or lost, reported to whoever exports it ({@code /metrics}). Called per refused
 * datagram or with a delta from a periodic tick, never per accepted packet.
 */
public interface ReceiveCounters {

    /** Counts nothing: for tests and tools. */
    ReceiveCounters NONE = new ReceiveCounters() {
        @Override
        public void foreignDatagram() {
        }

        @Override
        public void rtpInvalid(long newlyInvalid) {
        }

        @Override
        public void rtpPacketsLost(long newlyLost) {
        }
    };

    /** A UDP datagram from an address other than the session's peer was dropped (protocols.md 1.6, 2.4). */
    void foreignDatagram();

    /** RTP packets that were not valid RTP (RFC 3550 §5.1: wrong version, too short, bad padding). */
    void rtpInvalid(long newlyInvalid);

    /** RTP packets the reorder buffer gave up waiting for (RFC 3550 §A.3). */
    void rtpPacketsLost(long newlyLost);
}
