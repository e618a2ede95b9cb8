package dev.camrelay.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A publisher that authenticates, announces an H.264 track, records, and then sends only RTP that is not RTP
 * (RFC 3550 §5.1): wrong versions, packets shorter than their header, CSRC lists and extensions past the end, bad
 * padding; over TCP interleaved or UDP. What a broken or hostile camera sends; test code only.
 */
final class BadRtpPublisher {

    private static final String SDP = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=bad\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=fmtp:96 packetization-mode=1\r\n"
            + "a=control:streamid=0\r\n";
    private static final Pattern SESSION = Pattern.compile("(?im)^Session: *([^;\r\n]+)");
    private static final Pattern SERVER_PORT = Pattern.compile("server_port=(\\d+)-(\\d+)");

    /** Invalid RTP packets, each refused by the RTP header check for a different reason. */
    static final List<byte[]> PACKETS = List.of(
            header(0x00, 12), // version 0
            header(0x40, 12), // version 1
            header(0xC0, 12), // version 3
            header(0x80, 5), // shorter than the fixed header
            header(0x8F, 40), // 15 CSRCs announced, 28 bytes after the fixed header
            header(0x90, 12), // extension bit, no extension header
            extensionPastTheEnd(),
            padding(0), // padding bit with a padding count of 0
            padding(200)); // padding longer than the packet

    private BadRtpPublisher() {
    }

    private static byte[] header(int first, int length) {
        byte[] b = new byte[length];
        b[0] = (byte) first;
        if (length > 1) {
            b[1] = 96;
        }
        return b;
    }

    private static byte[] extensionPastTheEnd() {
        byte[] b = header(0x90, 20);
        b[14] = 0x7F; // extension length: 0x7F00 words
        return b;
    }

    private static byte[] padding(int count) {
        byte[] b = header(0xA0, 20);
        b[19] = (byte) count;
        return b;
    }

    private static String authorization(String user, String password) {
        return "Authorization: Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8)) + "\r\n";
    }

    /** ANNOUNCE and SETUP ({@code transport}); returns the SETUP answer's head. */
    private static String announceAndSetup(RawRtsp c, String base, String auth, String transport) throws Exception {
        String announce = c.send("ANNOUNCE " + base + " RTSP/1.0\r\nCSeq: 1\r\n" + auth
                + "Content-Type: application/sdp\r\nContent-Length: " + SDP.length() + "\r\n\r\n" + SDP).readHead();
        assertThat(announce).startsWith("RTSP/1.0 200");
        String setup = c.send("SETUP " + base + "/streamid=0 RTSP/1.0\r\nCSeq: 2\r\n" + auth + "Transport: "
                + transport + "\r\n\r\n").readHead();
        assertThat(setup).startsWith("RTSP/1.0 200");
        return setup;
    }

    private static void record(RawRtsp c, String base, String auth, String session) throws Exception {
        assertThat(c.send("RECORD " + base + " RTSP/1.0\r\nCSeq: 3\r\n" + auth + "Session: " + session
                + "\r\n\r\n").readHead()).startsWith("RTSP/1.0 200");
    }

    private static String session(String head) {
        Matcher m = SESSION.matcher(head);
        assertThat(m.find()).as(head).isTrue();
        return m.group(1).strip();
    }

    /** Publishes to {@code id} over TCP interleaved; returns how many invalid packets went out. */
    static int overInterleaved(int rtspPort, String id, String user, String password) throws Exception {
        String base = "rtsp://127.0.0.1:" + rtspPort + "/" + id;
        String auth = authorization(user, password);
        try (RawRtsp c = new RawRtsp(rtspPort)) {
            String session = session(announceAndSetup(c, base, auth, "RTP/AVP/TCP;unicast;interleaved=0-1;"
                    + "mode=record"));
            record(c, base, auth, session);
            int sent = 0;
            for (int round = 0; round < 10; round++) {
                for (byte[] p : PACKETS) {
                    c.send(new byte[] {'$', 0, (byte) (p.length >> 8), (byte) p.length}).send(p);
                    sent++;
                }
                c.send(new byte[] {'$', 0, 0, 0}); // an empty frame on the RTP channel
                sent++;
            }
            assertThat(c.send("TEARDOWN " + base + " RTSP/1.0\r\nCSeq: 4\r\n" + auth + "Session: " + session
                    + "\r\n\r\n").readHead()).startsWith("RTSP/1.0 200");
            return sent;
        }
    }

    /** Publishes to {@code id} over UDP from 127.0.0.1 (the publisher's address); returns the invalid sent. */
    static int overUdp(int rtspPort, String id, String user, String password) throws Exception {
        String base = "rtsp://127.0.0.1:" + rtspPort + "/" + id;
        String auth = authorization(user, password);
        try (RawRtsp c = new RawRtsp(rtspPort);
             DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            String setup = announceAndSetup(c, base, auth, "RTP/AVP;unicast;client_port=" + udp.getLocalPort() + "-"
                    + (udp.getLocalPort() + 1) + ";mode=record");
            Matcher ports = SERVER_PORT.matcher(setup);
            assertThat(ports.find()).as(setup).isTrue();
            int serverRtp = Integer.parseInt(ports.group(1));
            String session = session(setup);
            record(c, base, auth, session);
            int sent = 0;
            for (int round = 0; round < 10; round++) {
                for (byte[] p : PACKETS) {
                    udp.send(new DatagramPacket(p, p.length, InetAddress.getLoopbackAddress(), serverRtp));
                    sent++;
                }
            }
            Thread.sleep(200); // datagrams are not ordered with the TEARDOWN on the TCP connection
            assertThat(c.send("TEARDOWN " + base + " RTSP/1.0\r\nCSeq: 4\r\n" + auth + "Session: " + session
                    + "\r\n\r\n").readHead()).startsWith("RTSP/1.0 200");
            return sent;
        }
    }
}
