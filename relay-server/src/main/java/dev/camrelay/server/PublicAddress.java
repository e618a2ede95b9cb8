package dev.camrelay.server;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;

/**
 * The default public base URL, {@code http://<host>:<port>} ({@code https} when TLS is configured), when
 * {@code publicUrl} is not configured. With a
 * wildcard bind the host is this machine's first site-local IPv4 address (what a smart display on the same LAN can
 * reach), else {@code localhost}; with a specific bind it is that address.
 */
final class PublicAddress {

    private PublicAddress() {
    }

    static String defaultUrl(String scheme, String bind, int port) {
        return scheme + "://" + host(bind) + ":" + port;
    }

    private static String host(String bind) {
        try {
            InetAddress address = InetAddress.getByName(bind);
            if (!address.isAnyLocalAddress()) {
                return bracketed(address);
            }
        } catch (UnknownHostException e) {
            return bind;
        }
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback() || nic.isVirtual()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address && a.isSiteLocalAddress()) {
                        return a.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            return "localhost";
        }
        return "localhost";
    }

    private static String bracketed(InetAddress a) {
        String h = a.getHostAddress();
        return h.contains(":") ? "[" + h + "]" : h;
    }
}
