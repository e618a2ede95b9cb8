package dev.camrelay.rtsp.auth;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Splits {@code scheme k=v, k="quoted, value", ...} (RFC 2617 §1.2 auth-param lists) into a scheme and a map with
 * lower-case keys. Tolerates missing spaces, unquoted values and stray commas.
 *
 * <p>Threading: stateless.
 */
final class AuthParameters {

    /** Longest header value parsed; real challenges are a few hundred bytes. */
    static final int MAX_HEADER_LENGTH = 4096;

    private AuthParameters() {
    }

    /** The scheme (first token), lower case; "" if none. */
    static String scheme(String header) {
        String h = header.strip();
        int sp = h.indexOf(' ');
        return (sp < 0 ? h : h.substring(0, sp)).toLowerCase(Locale.ROOT);
    }

    static Map<String, String> parameters(String header) {
        Map<String, String> params = new LinkedHashMap<>();
        String h = header.strip();
        if (h.length() > MAX_HEADER_LENGTH) {
            return params;
        }
        int sp = h.indexOf(' ');
        if (sp < 0) {
            return params;
        }
        int i = sp + 1;
        int n = h.length();
        while (i < n) {
            while (i < n && (h.charAt(i) == ' ' || h.charAt(i) == ',')) {
                i++;
            }
            int eq = h.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String key = h.substring(i, eq).strip().toLowerCase(Locale.ROOT);
            i = eq + 1;
            while (i < n && h.charAt(i) == ' ') {
                i++;
            }
            StringBuilder value = new StringBuilder();
            if (i < n && h.charAt(i) == '"') {
                i++;
                while (i < n && h.charAt(i) != '"') {
                    if (h.charAt(i) == '\\' && i + 1 < n) {
                        i++;
                    }
                    value.append(h.charAt(i++));
                }
                i++; // closing quote
            } else {
                while (i < n && h.charAt(i) != ',') {
                    value.append(h.charAt(i++));
                }
            }
            params.put(key, value.toString().strip());
        }
        return params;
    }
}
