package dev.camrelay.server.hls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal Chrome DevTools Protocol client for one page target, over {@code java.net.http}'s WebSocket: enough to
 * install a script that runs before the page's own, navigate, and run {@code Runtime.evaluate} and read the result by
 * value.
 *
 * <p>Threading: {@link #call} and {@link #evaluate} from one test thread; replies arrive on the WebSocket's thread
 * and complete the matching future.
 */
final class CdpPage implements AutoCloseable {

    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    private CdpPage(WebSocket socket) {
        this.socket = socket;
    }

    /** Connects to the first page target of the browser whose DevTools HTTP endpoint is on {@code port}. */
    static CdpPage connect(HttpClient http, int port) throws Exception {
        String list = http.send(java.net.http.HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/json/list")).timeout(Duration.ofSeconds(5)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        for (JsonNode target : HlsTestRig.JSON.readTree(list)) {
            if ("page".equals(target.path("type").asText())) {
                return attach(http, target.path("webSocketDebuggerUrl").asText());
            }
        }
        throw new AssertionError("no page target in " + list);
    }

    private static CdpPage attach(HttpClient http, String ws) throws Exception {
        CdpPage[] page = new CdpPage[1];
        StringBuilder frame = new StringBuilder();
        WebSocket socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create(ws), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        frame.append(data);
                        if (last) {
                            page[0].onMessage(frame.toString());
                            frame.setLength(0);
                        }
                        webSocket.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        page[0] = new CdpPage(socket);
        return page[0];
    }

    private void onMessage(String text) {
        try {
            JsonNode msg = HlsTestRig.JSON.readTree(text);
            CompletableFuture<JsonNode> f = pending.remove(msg.path("id").asInt(-1));
            if (f != null) {
                f.complete(msg);
            }
        } catch (Exception e) {
            // an event we do not read; ignore
        }
    }

    /** Evaluates {@code expression} in the page and returns its value (JSON). */
    JsonNode evaluate(String expression) throws Exception {
        ObjectNode params = HlsTestRig.JSON.createObjectNode().put("expression", expression)
                .put("returnByValue", true).put("awaitPromise", true);
        JsonNode r = call("Runtime.evaluate", params);
        if (r.path("result").has("exceptionDetails")) {
            throw new AssertionError("evaluate failed: " + r);
        }
        return r.path("result").path("result").path("value");
    }

    /** Runs {@code source} in every document this page loads from now on, before the document's own scripts. */
    void addScriptBeforeLoad(String source) throws Exception {
        call("Page.addScriptToEvaluateOnNewDocument", HlsTestRig.JSON.createObjectNode().put("source", source));
    }

    void navigate(String url) throws Exception {
        call("Page.navigate", HlsTestRig.JSON.createObjectNode().put("url", url));
    }

    /** Sends one CDP command and returns the whole reply; fails on a CDP error or no reply within 10 s. */
    JsonNode call(String method, ObjectNode params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        ObjectNode msg = HlsTestRig.JSON.createObjectNode().put("id", id).put("method", method);
        msg.set("params", params);
        socket.sendText(HlsTestRig.JSON.writeValueAsString(msg), true).get(5, TimeUnit.SECONDS);
        JsonNode r = reply.get(10, TimeUnit.SECONDS);
        if (r.has("error")) {
            throw new AssertionError(method + " failed: " + r);
        }
        return r;
    }

    @Override
    public void close() {
        socket.abort();
    }
}
