package dev.camrelay.rtsp.message;

import java.util.ArrayList;
import java.util.List;

/**
 * Headers of one RTSP message in arrival order. Names compare case-insensitively (RFC 2326 §4.2 after HTTP/1.1
 * §4.2); values are kept as sent, trimmed, and may be empty (Dahua sends empty values).
 *
 * <p>Control-plane value: filled once by the framer or a request builder, then only read; not thread-safe.
 */
public final class RtspHeaders {

    private final List<String> names = new ArrayList<>();
    private final List<String> values = new ArrayList<>();

    public RtspHeaders add(String name, String value) {
        names.add(name);
        values.add(value);
        return this;
    }

    /** Replaces every header of this name by one with the given value. */
    public RtspHeaders set(String name, String value) {
        remove(name);
        return add(name, value);
    }

    public void remove(String name) {
        for (int i = names.size() - 1; i >= 0; i--) {
            if (names.get(i).equalsIgnoreCase(name)) {
                names.remove(i);
                values.remove(i);
            }
        }
    }

    /** The first value of the header, or null. */
    public String get(String name) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                return values.get(i);
            }
        }
        return null;
    }

    /** Every value of the header (for example several {@code WWW-Authenticate}), in order. */
    public List<String> getAll(String name) {
        List<String> all = new ArrayList<>(2);
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                all.add(values.get(i));
            }
        }
        return all;
    }

    public boolean contains(String name) {
        return get(name) != null;
    }

    public int size() {
        return names.size();
    }

    public String name(int index) {
        return names.get(index);
    }

    public String value(int index) {
        return values.get(index);
    }

    /** Appends a continuation line (RFC 2326 §4.2 linear white space) to the last header's value. */
    void appendToLast(String continuation) {
        int last = values.size() - 1;
        if (last >= 0) {
            String v = values.get(last);
            values.set(last, v.isEmpty() ? continuation : v + " " + continuation);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(names.get(i)).append(": ").append(values.get(i));
        }
        return sb.append('}').toString();
    }
}
