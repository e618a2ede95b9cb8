package dev.camrelay.server.hls;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A plain static file server on 127.0.0.1 (the JDK's {@code com.sun.net.httpserver}) for what FFmpeg's own HLS muxer
 * writes into a directory: the "do it yourself" setup that {@code LlHlsGlassToGlassBench} compares the relay with.
 * Every response is {@code Cache-Control: no-cache}, so the browser revalidates playlists as a web server configured
 * for live HLS would make it.
 *
 * <p>Threading: the JDK server's own thread; {@link #close} from the test thread.
 */
final class StaticFiles implements AutoCloseable {

    private final HttpServer server;
    private final Path root;

    private StaticFiles(HttpServer server, Path root) {
        this.server = server;
        this.root = root;
    }

    static StaticFiles serve(Path root) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        StaticFiles files = new StaticFiles(server, root.toRealPath());
        server.createContext("/", files::handle);
        server.start();
        return files;
    }

    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Path file = root.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
            byte[] body;
            try {
                body = file.startsWith(root) ? Files.readAllBytes(file) : null;
            } catch (NoSuchFileException e) {
                body = null;
            }
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", contentType(file.getFileName().toString()));
            exchange.getResponseHeaders().set("Cache-Control", "no-cache");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static String contentType(String name) {
        if (name.endsWith(".m3u8")) {
            return HlsApi.PLAYLIST_TYPE;
        }
        if (name.endsWith(".ts")) {
            return "video/mp2t";
        }
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        return name.endsWith(".js") ? "text/javascript" : "application/octet-stream";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
