package dev.camrelay.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TCP proxy on 127.0.0.1 in front of a real RTSP camera that sees every SETUP: it records the {@code client_port}
 * each asks for (so a test knows where the relay receives UDP media) and, with {@code blackhole}, rewrites it to a
 * port pair of its own that swallows whatever the camera sends there: a path on which UDP media never arrives, as
 * behind a firewall that drops it. TCP-interleaved sessions pass unchanged; after a PLAY request the connection is
 * passed through byte for byte (interleaved frames follow). Test code only; threads end when the sockets close.
 */
final class RtspSetupProxy implements AutoCloseable {

    private static final Pattern CLIENT_PORT = Pattern.compile("client_port=\\d+-\\d+");

    private final ServerSocket listener;
    private final DatagramSocket blackholeRtp;
    private final DatagramSocket blackholeRtcp;
    private final int targetPort;
    private final boolean blackhole;
    private final List<Integer> clientRtpPorts = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger swallowed = new AtomicInteger();
    private final AtomicInteger rewritten = new AtomicInteger();

    RtspSetupProxy(int targetPort, boolean blackhole) throws IOException {
        this.targetPort = targetPort;
        this.blackhole = blackhole;
        InetAddress lo = InetAddress.getLoopbackAddress();
        this.listener = new ServerSocket(0, 16, lo);
        DatagramSocket[] pair = evenOddPair(lo);
        this.blackholeRtp = pair[0];
        this.blackholeRtcp = pair[1];
        Thread.ofPlatform().daemon().name("proxy-accept").start(this::accept);
        Thread.ofPlatform().daemon().name("blackhole-rtp").start(() -> swallow(blackholeRtp));
        Thread.ofPlatform().daemon().name("blackhole-rtcp").start(() -> swallow(blackholeRtcp));
    }

    private static DatagramSocket[] evenOddPair(InetAddress lo) throws IOException {
        for (int i = 0; i < 32; i++) {
            DatagramSocket a = new DatagramSocket(0, lo);
            if ((a.getLocalPort() & 1) == 0) {
                try {
                    return new DatagramSocket[] {a, new DatagramSocket(a.getLocalPort() + 1, lo)};
                } catch (IOException e) {
                    a.close();
                    continue;
                }
            }
            a.close();
        }
        throw new IOException("no even/odd UDP port pair free");
    }

    int port() {
        return listener.getLocalPort();
    }

    /** The client RTP port of every UDP SETUP seen, as the client asked. */
    List<Integer> clientRtpPorts() {
        return List.copyOf(clientRtpPorts);
    }

    /** SETUP requests whose client_port was redirected into the black hole. */
    int setupsRewritten() {
        return rewritten.get();
    }

    /** Datagrams the camera sent that the black hole swallowed. */
    int datagramsSwallowed() {
        return swallowed.get();
    }

    private void accept() {
        try {
            while (true) {
                Socket client = listener.accept();
                Socket camera = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(client);
                sockets.add(camera);
                Thread.ofPlatform().daemon().name("proxy-up").start(() -> upstream(client, camera));
                Thread.ofPlatform().daemon().name("proxy-down").start(() -> copy(camera, client));
            }
        } catch (IOException e) {
            // listener closed
        }
    }

    private void swallow(DatagramSocket s) {
        byte[] buf = new byte[65_536];
        try {
            while (true) {
                s.receive(new DatagramPacket(buf, buf.length));
                swallowed.incrementAndGet();
            }
        } catch (IOException e) {
            // closed
        }
    }

    /** Client to camera: request heads rewritten until PLAY, then bytes as they are. */
    private void upstream(Socket client, Socket camera) {
        try (client; camera) {
            InputStream in = client.getInputStream();
            OutputStream out = camera.getOutputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            boolean passThrough = false;
            int b;
            while (!passThrough && (b = in.read()) >= 0) {
                head.write(b);
                byte[] h = head.toByteArray();
                int n = h.length;
                if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                    String text = new String(h, StandardCharsets.ISO_8859_1);
                    Matcher m = CLIENT_PORT.matcher(text);
                    if (text.startsWith("SETUP") && m.find()) {
                        String ports = m.group();
                        clientRtpPorts.add(Integer.parseInt(ports.substring(ports.indexOf('=') + 1,
                                ports.indexOf('-'))));
                        if (blackhole) {
                            text = m.replaceFirst("client_port=" + blackholeRtp.getLocalPort() + "-"
                                    + blackholeRtcp.getLocalPort());
                            rewritten.incrementAndGet();
                        }
                    }
                    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    passThrough = text.startsWith("PLAY");
                    head.reset();
                }
            }
            in.transferTo(out);
        } catch (IOException e) {
            // a side closed
        }
    }

    private static void copy(Socket from, Socket to) {
        try (from; to) {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException e) {
            // a side closed
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        blackholeRtp.close();
        blackholeRtcp.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
