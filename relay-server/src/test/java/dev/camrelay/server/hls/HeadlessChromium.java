package dev.camrelay.server.hls;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's Chromium, headless, with a fresh profile and its DevTools port, started on {@code about:blank} so that a
 * test can install scripts before it navigates; closed (with every process it started, by PID) and its profile
 * removed by {@link #close}.
 *
 * <p>Threading: one test thread.
 */
final class HeadlessChromium implements AutoCloseable {

    static final String CHROMIUM = "/usr/bin/chromium";
    static final String BROWSER_NICENESS = "-5";

    private final Path profile;
    private final Process browser;
    private final int devToolsPort;

    private HeadlessChromium(Path profile, Process browser, int devToolsPort) {
        this.profile = profile;
        this.browser = browser;
        this.devToolsPort = devToolsPort;
    }

    static HeadlessChromium start() throws Exception {
        HlsTestRig.requireTool(CHROMIUM);
        Path profile = Files.createTempDirectory("chromium-profile");
        // The browser is the measuring instrument: on a shared 2-core host, unrelated builds at the same priority
        // starve its renderer and it drops frames the relay delivered in time (seen at load average 7). A higher
        // priority for it and its children (nice -5; without the privilege nice warns and runs it at the normal one).
        Process browser = new ProcessBuilder("nice", "-n", BROWSER_NICENESS, CHROMIUM, "--headless=new",
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required",
                // a headless window counts as hidden: without these, Chromium throttles its timers and renderer
                "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                "--disable-backgrounding-occluded-windows",
                // the demo's own size: no software scaling of every frame on a 2-core host
                "--window-size=640,400",
                "--user-data-dir=" + profile, "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0", "about:blank")
                .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
        try {
            return new HeadlessChromium(profile, browser, devToolsPort(profile, browser));
        } catch (Exception | AssertionError e) {
            stop(browser);
            delete(profile);
            throw e;
        }
    }

    /** The first page target, with {@code beforeLoad} installed, navigated to {@code url}. */
    CdpPage open(HttpClient http, String url, String beforeLoad) throws Exception {
        return navigate(CdpPage.connect(http, devToolsPort), url, beforeLoad);
    }

    private static CdpPage navigate(CdpPage page, String url, String beforeLoad) throws Exception {
        try {
            page.addScriptBeforeLoad(beforeLoad);
            page.navigate(url);
            return page;
        } catch (Exception | AssertionError e) {
            page.close();
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        stop(browser);
        delete(profile);
    }

    /** Chromium writes its DevTools port into the profile once it listens (--remote-debugging-port=0). */
    private static int devToolsPort(Path profile, Process browser) throws Exception {
        Path file = profile.resolve("DevToolsActivePort");
        Instant deadline = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(deadline)) {
            if (!browser.isAlive()) {
                throw new AssertionError("chromium exited: " + Files.readString(profile.resolve("chromium.log")));
            }
            if (Files.exists(file)) {
                List<String> lines = Files.readAllLines(file);
                if (!lines.isEmpty() && !lines.get(0).isBlank()) {
                    return Integer.parseInt(lines.get(0).strip());
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("chromium did not open its DevTools port within 20 s");
    }

    /** Ends the browser and every process it started, by PID. */
    private static void stop(Process browser) throws InterruptedException {
        List<ProcessHandle> children = browser.descendants().toList();
        browser.destroy();
        if (!browser.waitFor(5, TimeUnit.SECONDS)) {
            browser.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }

    private static void delete(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
