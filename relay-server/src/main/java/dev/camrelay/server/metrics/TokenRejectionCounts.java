package dev.camrelay.server.metrics;

import dev.camrelay.core.token.TokenRejection;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts rejected viewer tokens by reason, for {@code relay_token_rejections_total{reason}}. Every endpoint that
 * checks a token (HLS, WHEP, RTSP re-serve) reports its rejections here.
 *
 * <p>Threading: thread-safe.
 */
public final class TokenRejectionCounts {

    private final Map<TokenRejection, LongAdder> counts = new EnumMap<>(TokenRejection.class);

    public TokenRejectionCounts() {
        for (TokenRejection reason : TokenRejection.values()) {
            counts.put(reason, new LongAdder());
        }
    }

    public void count(TokenRejection reason) {
        counts.get(reason).increment();
    }

    public long total(TokenRejection reason) {
        return counts.get(reason).sum();
    }
}
