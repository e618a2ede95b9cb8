package dev.camrelay.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.camrelay.core.buffer.FrameView;
import dev.camrelay.core.buffer.StreamBuffer;
import dev.camrelay.core.buffer.StreamReader;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * A viewer joins while the camera publishes (keyframes 0, 3, 6 of frames 0..7, wrapping a 4 KiB ring): the reader
 * it gets starts at a keyframe from the keyframe index, and that keyframe's bytes are whole, i.e. the index is never
 * seen ahead of the record it points to, nor trusted after the record was overwritten.
 *
 * <p>r1 is the sequence of the first frame yielded (-1: none within the poll budget); r2 is 0 when that frame is a
 * whole keyframe, 1 when torn, 2 when not a keyframe.
 */
@JCStressTest
@Description("A reader opened concurrently with the writer starts at a whole keyframe.")
@Outcome(id = "-1, 0", expect = ACCEPTABLE, desc = "Opened before any frame; nothing yielded yet.")
@Outcome(id = {"0, 0", "3, 0"}, expect = ACCEPTABLE_INTERESTING, desc = "Started at an earlier keyframe.")
@Outcome(id = "6, 0", expect = ACCEPTABLE, desc = "Started at the latest keyframe.")
@Outcome(expect = FORBIDDEN, desc = "Started at a torn frame or a non-keyframe.")
@State
public class KeyframeIndexPublicationTest {

    private static final int FRAMES = 8;

    private final StreamBuffer stream = PlannedStream.newStream();

    @Actor
    public void writer() {
        for (int s = 0; s < FRAMES; s++) {
            PlannedStream.publish(stream, s, s % 3 == 0);
        }
    }

    @Actor
    public void viewer(II_Result r) {
        StreamReader reader = PlannedStream.openReader(stream);
        r.r1 = -1;
        for (int p = 0; p < PlannedStream.POLLS; p++) {
            if (reader.poll() == StreamReader.FRAME) {
                FrameView frame = reader.frame();
                r.r1 = (int) frame.sequence();
                r.r2 = !PlannedStream.isWhole(frame) ? 1 : frame.isKeyframe() ? 0 : 2;
                return;
            }
        }
    }
}
