package dev.camrelay.rtsp.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a real tool (ffmpeg) for a test: fails clearly when it is missing, bounds its run time, kills it by PID. */
public final class ExternalTool {

    private ExternalTool() {
    }

    public static String require(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return fail(name + " is not installed or not on the PATH; this test needs the real tool "
                + "(apt-get install -y --no-install-recommends " + name + ")");
    }

    /** Starts the tool with {@code timeout} as an outer bound too; stderr goes to {@code log}. */
    public static Process start(Path log, int timeoutSeconds, String... command) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(require("timeout"));
        cmd.add("-s");
        cmd.add("KILL");
        cmd.add(String.valueOf(timeoutSeconds));
        cmd.addAll(List.of(command));
        return new ProcessBuilder(cmd).redirectError(log.toFile()).start();
    }

    /** Waits for the process; kills it (by its PID, with its children) if it outlives the bound. */
    public static int await(Process process, int timeoutSeconds, Path log) throws InterruptedException, IOException {
        try {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                return fail("process " + process.pid() + " did not finish in " + timeoutSeconds + " s; log:\n"
                        + Files.readString(log));
            }
            return process.exitValue();
        } finally {
            kill(process);
        }
    }

    public static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
