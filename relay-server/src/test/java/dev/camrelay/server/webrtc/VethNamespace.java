package dev.camrelay.server.webrtc;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace of the test's own, joined to the host by a veth pair on a /30 of 10.99.0.0/16 that exists only
 * between the two ends (test-rig.md: WebRTC in Chromium needs a real interface). Needs root and iproute2; every
 * command is bounded by {@code timeout}. {@link #close} removes the namespace and the host end.
 */
final class VethNamespace implements AutoCloseable {

    private static final int COMMAND_TIMEOUT_SECONDS = 10;

    final String name;
    final String hostAddress;
    final String namespaceAddress;
    private final String hostLink;
    private final String namespaceLink;

    private VethNamespace(String name, String hostLink, String namespaceLink, String hostAddress,
                          String namespaceAddress) {
        this.name = name;
        this.hostLink = hostLink;
        this.namespaceLink = namespaceLink;
        this.hostAddress = hostAddress;
        this.namespaceAddress = namespaceAddress;
    }

    static VethNamespace create() throws IOException, InterruptedException {
        int n = ThreadLocalRandom.current().nextInt(10, 250);
        int id = (int) (ProcessHandle.current().pid() % 10_000);
        String name = "camrelay-" + id + "-" + n;
        String host = "crv" + id + "h";
        String peer = "crv" + id + "n";
        VethNamespace ns = new VethNamespace(name, host, peer, "10.99." + n + ".1", "10.99." + n + ".2");
        try {
            run("ip", "netns", "add", name);
            run("ip", "link", "add", host, "type", "veth", "peer", "name", peer);
            run("ip", "link", "set", peer, "netns", name);
            run("ip", "addr", "add", ns.hostAddress + "/30", "dev", host);
            run("ip", "link", "set", host, "up");
            run("ip", "netns", "exec", name, "ip", "addr", "add", ns.namespaceAddress + "/30", "dev", peer);
            run("ip", "netns", "exec", name, "ip", "link", "set", peer, "up");
            run("ip", "netns", "exec", name, "ip", "link", "set", "lo", "up");
        } catch (IOException | InterruptedException | RuntimeException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /** The command line that runs {@code command} inside the namespace. */
    List<String> exec(List<String> command) {
        List<String> out = new ArrayList<>(List.of("ip", "netns", "exec", name));
        out.addAll(command);
        return out;
    }

    /**
     * Drops {@code percent} % of the UDP datagrams from {@code sourcePort} arriving on the namespace's end of the pair,
     * at random (test-rig.md "Poor networks": an nftables netdev table, ingress hook, in the receiving namespace;
     * this kernel has no netem).
     */
    void dropIngressUdp(int sourcePort, int percent) throws IOException, InterruptedException {
        String table = "camrelay_loss";
        run("ip", "netns", "exec", name, "nft", "add", "table", "netdev", table);
        run("ip", "netns", "exec", name, "nft", "add", "chain", "netdev", table, "ingress",
                "{ type filter hook ingress device \"" + namespaceLink + "\" priority 0 ; policy accept ; }");
        run("ip", "netns", "exec", name, "nft", "add", "rule", "netdev", table, "ingress", "udp", "sport",
                Integer.toString(sourcePort), "numgen", "random", "mod", "100", "<", Integer.toString(percent),
                "counter", "drop");
    }

    /** The nftables loss table's rules with their counters (what was dropped), for the test's log. */
    String ingressLossCounters() throws IOException, InterruptedException {
        return output("ip", "netns", "exec", name, "nft", "list", "table", "netdev", "camrelay_loss");
    }

    @Override
    public void close() {
        quietly("ip", "netns", "del", name);
        quietly("ip", "link", "del", hostLink);
    }

    private static void quietly(String... command) {
        try {
            run(command);
        } catch (IOException | InterruptedException | RuntimeException e) {
            // already gone
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        output(command);
    }

    private static String output(String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of("timeout", Integer.toString(COMMAND_TIMEOUT_SECONDS)));
        line.addAll(List.of(command));
        Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(COMMAND_TIMEOUT_SECONDS + 2, TimeUnit.SECONDS)) {
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            String output = new String(p.getInputStream().readAllBytes());
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (" + p.exitValue() + "): "
                        + output);
            }
            return output;
        } finally {
            p.destroyForcibly();
        }
    }
}
