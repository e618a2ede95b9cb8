package dev.camrelay.core.isolation;

import dev.camrelay.core.media.StreamKey;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's isolation alarm: counts every violation and logs it at ERROR. One instance per relay process; the
 * server exports {@link #total()} as {@code relay_isolation_violations_total}.
 *
 * <p>Threading: thread-safe; {@link #total()} may be called from a monitoring thread at any time.
 */
public final class IsolationViolations implements IsolationAlarm {

    private static final Logger LOG = LoggerFactory.getLogger(IsolationViolations.class);

    private final AtomicLong total = new AtomicLong();

    @Override
    public void violation(StreamKey expected, String where, String detail) {
        long n = total.incrementAndGet();
        LOG.error("ISOLATION VIOLATION #{} at {}: reader for {} saw {}; frame dropped, reader closed",
                n, where, expected, detail);
    }

    public long total() {
        return total.get();
    }
}
