package dev.camrelay.core.media;

import java.util.List;
import java.util.Optional;

/**
 * Immutable list of the tracks of one stream (one camera epoch, one rendition). A change of codec or resolution
 * is a new epoch and therefore a new {@code StreamFormat}.
 */
public record StreamFormat(List<TrackFormat> tracks) {

    /** Tracks per stream: one video and a few audio tracks are all a camera has. */
    public static final int MAX_TRACKS = 8;

    public StreamFormat {
        tracks = List.copyOf(tracks);
        if (tracks.size() > MAX_TRACKS) {
            throw new IllegalArgumentException("at most " + MAX_TRACKS + " tracks, got " + tracks.size());
        }
        for (int i = 0; i < tracks.size(); i++) {
            if (tracks.get(i).trackId() != i) {
                throw new IllegalArgumentException("track " + i + " has trackId " + tracks.get(i).trackId());
            }
        }
    }

    public Optional<TrackFormat> video() {
        return tracks.stream().filter(t -> t.codec().isVideo()).findFirst();
    }

    public Optional<TrackFormat> audio() {
        return tracks.stream().filter(t -> !t.codec().isVideo()).findFirst();
    }
}
