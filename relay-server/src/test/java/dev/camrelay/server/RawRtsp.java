package dev.camrelay.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A bare TCP connection to the relay's RTSP port for tests that must send what no real client would. */
final class RawRtsp implements AutoCloseable {

    private static final int READ_TIMEOUT_MILLIS = 5000;
    private final Socket socket;

    RawRtsp(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
    }

    RawRtsp send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return this;
    }

    RawRtsp send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Reads one response's head (up to the blank line); "" if the server closed first. */
    String readHead() throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            out.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** Sends {@code text}; true when the server then closes the connection (a write that fails counts as closed). */
    boolean closesOn(String text) throws IOException {
        try {
            send(text);
        } catch (IOException e) {
            return true;
        }
        return closedByServer();
    }

    boolean closesOn(byte[] bytes) throws IOException {
        try {
            send(bytes);
        } catch (IOException e) {
            return true;
        }
        return closedByServer();
    }

    /** True when the server closed the connection within the read timeout (reads and discards anything else). */
    boolean closedByServer() throws IOException {
        InputStream in = socket.getInputStream();
        try {
            byte[] buf = new byte[4096];
            while (true) {
                if (in.read(buf) < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
