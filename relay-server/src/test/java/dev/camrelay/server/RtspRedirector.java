package dev.camrelay.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An RTSP server that has moved (RFC 2326 §11.3.2): OPTIONS is answered 200, DESCRIBE {@code 302 Moved Temporarily}
 * with a {@code Location} (as a camera behind a load balancer or an NVR answers). Records the request lines it got.
 * Test code only, on 127.0.0.1.
 */
final class RtspRedirector implements AutoCloseable {

    private final ServerSocket listener;
    private final String location;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    RtspRedirector(String location) throws IOException {
        this.location = location;
        this.listener = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("redirector").start(this::serve);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Request lines received, e.g. {@code DESCRIBE rtsp://127.0.0.1:1234/old RTSP/1.0}. */
    List<String> requests() {
        return List.copyOf(requests);
    }

    private void serve() {
        try {
            while (true) {
                try (Socket s = listener.accept()) {
                    answer(s);
                }
            }
        } catch (IOException e) {
            // listener closed
        }
    }

    private void answer(Socket s) throws IOException {
        s.setSoTimeout(5000);
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
        OutputStream out = s.getOutputStream();
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isEmpty()) {
                continue;
            }
            String requestLine = line;
            String cseq = "0";
            while ((line = in.readLine()) != null && !line.isEmpty()) {
                if (line.regionMatches(true, 0, "CSeq:", 0, 5)) {
                    cseq = line.substring(5).strip();
                }
            }
            requests.add(requestLine);
            String response = requestLine.startsWith("DESCRIBE")
                    ? "RTSP/1.0 302 Moved Temporarily\r\nCSeq: " + cseq + "\r\nLocation: " + location + "\r\n\r\n"
                    : "RTSP/1.0 200 OK\r\nCSeq: " + cseq + "\r\nPublic: OPTIONS, DESCRIBE\r\n\r\n";
            out.write(response.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
