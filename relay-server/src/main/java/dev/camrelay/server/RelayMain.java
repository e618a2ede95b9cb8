package dev.camrelay.server;

import ch.qos.logback.classic.Level;
import dev.camrelay.server.config.ConfigException;
import dev.camrelay.server.config.RelayConfig;
import dev.camrelay.server.config.RelayConfigLoader;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ./relay}: parses {@code --config}/{@code --help}, loads the configuration, starts a {@link Relay}, prints
 * the start-up block, and runs until SIGTERM or SIGINT, which stop it in order and exit with status 0.
 *
 * <p>Exit status: 0 after {@code --help} or a signal; 2 for a usage or configuration error; 1 if the relay cannot
 * start (e.g. its port is taken).
 */
public final class RelayMain {

    /** SIGTERM must end the process within 5 s (contract.md); past this, the hook halts regardless. */
    static final long SHUTDOWN_DEADLINE_MILLIS = 4_000;

    private RelayMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Args parsed;
        try {
            parsed = Args.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("relay: " + e.getMessage() + " (see --help)");
            System.exit(2);
            return;
        }
        if (parsed.help()) {
            System.out.print(RelayConfigLoader.helpText());
            System.exit(0);
            return;
        }
        RelayConfig config;
        try {
            config = RelayConfigLoader.load(parsed.config(), System.getenv());
        } catch (ConfigException e) {
            System.err.println("relay: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        setLogLevel(config.logLevel());
        Logger log = LoggerFactory.getLogger(RelayMain.class);
        Relay relay;
        try {
            relay = Relay.start(config);
        } catch (Exception e) {
            log.error("the relay could not start: {}", e.toString(), e);
            System.err.println("relay: could not start: " + e);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(relay, log), "relay-shutdown"));
        System.out.print(StartupBanner.render(relay));
        System.out.flush();
        new CountDownLatch(1).await();
    }

    /**
     * Runs in the JVM's shutdown hook on SIGTERM/SIGINT. The JVM would report 143/130 for a signal; a requested
     * stop that completed in order is a success, so the hook ends the process itself with status 0. A watchdog
     * halts it at the deadline should a shutdown step hang.
     */
    private static void stop(Relay relay, Logger log) {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(SHUTDOWN_DEADLINE_MILLIS);
                System.err.println("relay: shutdown took longer than " + SHUTDOWN_DEADLINE_MILLIS + " ms; halting");
                Runtime.getRuntime().halt(0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "relay-shutdown-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        long started = System.nanoTime();
        log.info("stopping");
        relay.close();
        log.info("stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(0);
    }

    /**
     * The command line.
     *
     * @param help   {@code --help} or {@code -h} was given
     * @param config the {@code --config} file, or null
     */
    record Args(boolean help, Path config) {

        /** @throws IllegalArgumentException for an unknown argument or a missing file name */
        static Args parse(String[] args) {
            Path config = null;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--help") || a.equals("-h")) {
                    return new Args(true, null);
                } else if (a.equals("--config")) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("--config needs a file name");
                    }
                    config = Path.of(args[++i]);
                } else if (a.startsWith("--config=")) {
                    config = Path.of(a.substring("--config=".length()));
                } else {
                    throw new IllegalArgumentException("unknown argument '" + a + "'");
                }
            }
            return new Args(false, config);
        }
    }

    private static void setLogLevel(String level) {
        if (LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
            root.setLevel(Level.toLevel(level, Level.INFO));
        }
    }
}
