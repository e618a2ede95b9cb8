package dev.camrelay.rtsp.depacketize;

import dev.camrelay.core.media.AccessUnit;
import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;

/** Test sink: copies every access unit into an {@link AccessUnit}. */
final class CollectingSink implements AccessUnitSink {

    final List<AccessUnit> units = new ArrayList<>();

    @Override
    public void onAccessUnit(int track, long pts, long dts, boolean keyframe, DirectBuffer buffer, int offset,
                             int length) {
        byte[] b = new byte[length];
        buffer.getBytes(offset, b);
        units.add(new AccessUnit(track, pts, dts, keyframe, b));
    }
}
