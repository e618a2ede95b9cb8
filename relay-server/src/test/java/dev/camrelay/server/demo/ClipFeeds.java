package dev.camrelay.server.demo;

import dev.camrelay.core.ingest.IngestSink;

/** Test access to the demo ingest: loops any Annex B H.264 clip into a camera's sink in real time. */
public final class ClipFeeds {

    private ClipFeeds() {
    }

    /** Starts a feed (a new epoch of the sink's camera); close it to stop. */
    public static DemoCamera start(byte[] annexB, IngestSink sink) {
        DemoCamera feed = new DemoCamera(DemoClip.parse(annexB), sink);
        feed.start();
        return feed;
    }
}
