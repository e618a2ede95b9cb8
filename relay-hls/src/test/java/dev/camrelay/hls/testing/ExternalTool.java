package dev.camrelay.hls.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs ffmpeg/ffprobe from the test, bounded by a timeout and killed if it overruns; absence fails the test. */
public final class ExternalTool {

    private static final long TIMEOUT_SECONDS = 60;

    /** The result of one run. */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    private ExternalTool() {
    }

    /** Fails the test with a clear message if the tool is not on the PATH. */
    public static void require(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return;
            }
        }
        fail(tool + " is not installed (not on PATH). This test needs the real tool: apt-get install ffmpeg "
                + "(or ./scripts/test.sh as root, which installs the test tools).");
    }

    /** Runs {@code command} in {@code dir}; fails the test if it does not finish within the timeout. */
    public static Result run(Path dir, String... command) {
        require(command[0]);
        List<String> cmd = new ArrayList<>(List.of(command));
        try {
            Path out = Files.createTempFile(dir, "tool", ".out");
            Path err = Files.createTempFile(dir, "tool", ".err");
            Process p = new ProcessBuilder(cmd).directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try {
                if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    fail(String.join(" ", cmd) + " did not finish within " + TIMEOUT_SECONDS + " s; killed");
                }
            } finally {
                if (p.isAlive()) {
                    p.destroyForcibly();
                }
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("could not run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + cmd, e);
        }
    }

    /** Runs and fails the test unless the exit code is 0. */
    public static Result runOk(Path dir, String... command) {
        Result r = run(dir, command);
        if (r.exitCode() != 0) {
            fail(String.join(" ", command) + " exited " + r.exitCode() + ": " + r.stderr());
        }
        return r;
    }
}
