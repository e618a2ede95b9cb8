package dev.camrelay.server.camera;

import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.media.TrackFormat;
import java.util.stream.Collectors;

/** Renders a {@link StreamFormat} for operators, e.g. {@code H264 High 640x360@25, AAC 48000 Hz 2 ch}. */
public final class FormatFacts {

    private FormatFacts() {
    }

    public static String describe(StreamFormat format) {
        return format.tracks().stream().map(FormatFacts::describe).collect(Collectors.joining(", "));
    }

    public static String describe(TrackFormat t) {
        if (t.codec().isVideo()) {
            return t.codec().name() + (t.profile().isEmpty() ? "" : " " + t.profile()) + " " + t.width() + "x"
                    + t.height() + "@" + t.frameRate();
        }
        return t.codec().name() + " " + t.sampleRate() + " Hz " + t.channels() + " ch";
    }
}
