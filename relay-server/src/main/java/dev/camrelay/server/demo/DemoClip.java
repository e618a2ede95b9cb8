package dev.camrelay.server.demo;

import dev.camrelay.core.codec.h264.AnnexB;
import dev.camrelay.core.codec.h264.NalUnitType;
import dev.camrelay.core.codec.h264.SequenceParameterSet;
import dev.camrelay.core.media.Codec;
import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.media.TrackFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The demo camera's clip: a few seconds of tagged H.264 (every frame carries the SEI tag {@code DEMO}, test-rig.md)
 * shipped in the jar as an Annex-B stream, made once by {@code scripts/make-demo-clip.sh}. Loaded into memory as
 * AVCC access units, each in its own buffer, so the loop publishes without allocating.
 *
 * @param format    the one video track, its facts read from the clip's SPS
 * @param frames    access units in decode order (AVCC payloads)
 * @param keyframes which of them are IDR pictures
 * @param gopFrames frames from one IDR to the next
 */
public record DemoClip(StreamFormat format, List<UnsafeBuffer> frames, boolean[] keyframes, int gopFrames) {

    public static final String RESOURCE = "/demo/demo.h264";
    /** Frame rate assumed when the SPS carries no timing info. */
    public static final double DEFAULT_FPS = 25;

    public static DemoClip load() {
        try (InputStream in = DemoClip.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("demo clip " + RESOURCE + " is missing from the jar");
            }
            return parse(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static DemoClip parse(byte[] annexB) {
        List<List<byte[]>> units = AnnexB.accessUnits(AnnexB.split(annexB));
        byte[] sps = null;
        byte[] pps = null;
        List<UnsafeBuffer> frames = new ArrayList<>();
        List<Boolean> keys = new ArrayList<>();
        for (List<byte[]> unit : units) {
            boolean idr = false;
            boolean picture = false;
            for (byte[] nal : unit) {
                int type = NalUnitType.of(nal[0]);
                idr |= type == NalUnitType.IDR_SLICE;
                picture |= NalUnitType.isSlice(type);
                if (type == NalUnitType.SPS && sps == null) {
                    sps = nal;
                } else if (type == NalUnitType.PPS && pps == null) {
                    pps = nal;
                }
            }
            if (picture) {
                frames.add(new UnsafeBuffer(AnnexB.toAvcc(unit)));
                keys.add(idr);
            }
        }
        if (sps == null || pps == null || frames.isEmpty() || !keys.get(0)) {
            throw new IllegalStateException("demo clip must start with SPS, PPS and an IDR picture");
        }
        SequenceParameterSet facts = SequenceParameterSet.parse(sps)
                .orElseThrow(() -> new IllegalStateException("demo clip's SPS does not parse"));
        double fps = facts.frameRate() > 0 ? facts.frameRate() : DEFAULT_FPS;
        TrackFormat video = TrackFormat.video(0, Codec.H264, facts.profileName(), facts.levelName(), facts.width(),
                facts.height(), fps, List.of(sps, pps));
        boolean[] keyframes = new boolean[keys.size()];
        int gop = 0;
        for (int i = 0; i < keyframes.length; i++) {
            keyframes[i] = keys.get(i);
            if (keyframes[i] && i > 0 && gop == 0) {
                gop = i;
            }
        }
        return new DemoClip(new StreamFormat(List.of(video)), List.copyOf(frames), keyframes,
                gop == 0 ? frames.size() : gop);
    }

    public double frameRate() {
        return format.tracks().get(0).frameRate();
    }
}
