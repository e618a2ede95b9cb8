package dev.camrelay.core.buffer;

import dev.camrelay.core.isolation.IsolationAlarm;
import dev.camrelay.core.media.StreamKey;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An {@link IsolationAlarm} that remembers every violation, so a test can assert on none or on exactly one. */
final class RecordingAlarm implements IsolationAlarm {

    final List<String> violations = new CopyOnWriteArrayList<>();

    @Override
    public void violation(StreamKey expected, String where, String detail) {
        violations.add(expected + " at " + where + ": " + detail);
    }
}
