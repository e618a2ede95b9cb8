package dev.camrelay.rtsp.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * The server side of an RTSP connection, scripted by a test: each request (head, and a body by
 * {@code Content-Length}) is recorded and answered with what {@code responder} returns (null: no answer).
 * Interleaved frames from the client are skipped; {@link #send} writes raw bytes (e.g. interleaved RTP). One
 * connection at a time on 127.0.0.1; for unit tests of the pull session only, real servers are tested elsewhere.
 */
final class ScriptedRtspServer implements AutoCloseable {

    /** One request as received, at {@code nanos} (System.nanoTime). */
    record Request(String method, String uri, String head, long nanos) {
        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).strip();
                }
            }
            return null;
        }

        String cseq() {
            return header("CSeq");
        }
    }

    private final ServerSocket listener;
    private final Function<Request, String> responder;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Request> arrivals = new LinkedBlockingQueue<>();
    private final List<byte[]> interleaved = new CopyOnWriteArrayList<>();
    private volatile Socket connection;

    ScriptedRtspServer(Function<Request, String> responder) throws IOException {
        this.responder = responder;
        this.listener = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("scripted-rtsp").start(this::serve);
    }

    int port() {
        return listener.getLocalPort();
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Interleaved frames the client sent (channel byte first, then the packet). */
    List<byte[]> interleaved() {
        return List.copyOf(interleaved);
    }

    /** The next request to arrive, waiting at most {@code millis}; null if none came. */
    Request next(long millis) throws InterruptedException {
        return arrivals.poll(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Writes raw bytes on the current connection. */
    void send(byte[] bytes) throws IOException {
        OutputStream out = connection.getOutputStream();
        synchronized (this) {
            out.write(bytes);
            out.flush();
        }
    }

    static String ok(Request r, String... headers) {
        StringBuilder sb = new StringBuilder("RTSP/1.0 200 OK\r\nCSeq: ").append(r.cseq()).append("\r\n");
        for (String h : headers) {
            sb.append(h).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    static String withBody(Request r, String type, String body, String... headers) {
        String head = ok(r, headers);
        return head.substring(0, head.length() - 2) + "Content-Type: " + type + "\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    private void serve() {
        try {
            while (true) {
                Socket s = listener.accept();
                connection = s;
                try (s) {
                    read(s.getInputStream());
                } catch (IOException e) {
                    // the client closed
                }
            }
        } catch (IOException e) {
            // listener closed
        }
    }

    private void read(InputStream in) throws IOException {
        while (true) {
            int first = in.read();
            if (first < 0) {
                return;
            }
            if (first == '$') {
                int channel = in.read();
                int length = (in.read() << 8) | in.read();
                byte[] frame = new byte[length + 1];
                frame[0] = (byte) channel;
                in.readNBytes(frame, 1, length);
                interleaved.add(frame);
                continue;
            }
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            head.write(first);
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                head.write(b);
                matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            String text = head.toString(StandardCharsets.ISO_8859_1);
            String[] start = text.substring(0, text.indexOf("\r\n")).split(" ");
            Request r = new Request(start[0], start.length > 1 ? start[1] : "", text, System.nanoTime());
            String length = r.header("Content-Length");
            if (length != null) {
                in.readNBytes(Integer.parseInt(length));
            }
            requests.add(r);
            arrivals.add(r);
            String answer = responder.apply(r);
            if (answer != null) {
                send(answer.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        Socket s = connection;
        if (s != null) {
            s.close();
        }
    }
}
