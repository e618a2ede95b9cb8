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
 * A writer laps a reader that dawdles between polls on a 4 KiB ring (keyframes every third frame). What the reader
 * yields is either every frame in order, or, where it skipped, a lap it counted followed by a keyframe.
 *
 * <p>r1 is the verdict: 0 every frame in order, 1 some gap, each after a counted lap and at a keyframe, 2 a torn
 * frame, 3 out of order, 4 a gap without a counted lap, 5 a non-keyframe at the start or after a gap. r2 is 1 when
 * the reader counted a lap.
 */
@JCStressTest
@Description("A lapped reader counts the lap and resumes at a keyframe; otherwise it sees every frame in order.")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "Whole frames in order, not lapped.")
@Outcome(id = "0, 1", expect = ACCEPTABLE_INTERESTING, desc = "Lap counted, resumed at the very next frame.")
@Outcome(id = "1, 1", expect = ACCEPTABLE_INTERESTING, desc = "Lap counted, frames skipped, resumed at a keyframe.")
@Outcome(expect = FORBIDDEN, desc = "Torn, out of order, uncounted gap, or non-keyframe after a gap.")
@State
public class LapDetectionTest {

    private static final int IN_ORDER = 0;
    private static final int RESUMED_AFTER_LAP = 1;
    private static final int TORN = 2;
    private static final int OUT_OF_ORDER = 3;
    private static final int UNCOUNTED_GAP = 4;
    private static final int NOT_A_KEYFRAME = 5;

    private final StreamBuffer stream = PlannedStream.newStream();
    private final StreamReader reader = PlannedStream.openReader(stream);

    @Actor
    public void writer() {
        for (int s = 0; s < PlannedStream.FRAMES; s++) {
            PlannedStream.publish(stream, s, s % 3 == 0);
        }
    }

    @Actor
    public void reader(II_Result r) {
        int verdict = IN_ORDER;
        long previous = -1;
        long lapsAtPrevious = 0;
        for (int p = 0; p < PlannedStream.POLLS && verdict <= RESUMED_AFTER_LAP; p++) {
            if (reader.poll() != StreamReader.FRAME) {
                continue;
            }
            FrameView frame = reader.frame();
            long sequence = frame.sequence();
            long laps = reader.laps();
            if (!PlannedStream.isWhole(frame)) {
                verdict = TORN;
            } else if (sequence <= previous) {
                verdict = OUT_OF_ORDER;
            } else if (sequence != previous + 1 && laps == lapsAtPrevious) {
                verdict = UNCOUNTED_GAP;
            } else if (sequence != previous + 1 && !frame.isKeyframe()) {
                verdict = NOT_A_KEYFRAME;
            } else if (sequence != previous + 1) {
                verdict = RESUMED_AFTER_LAP;
            }
            previous = sequence;
            lapsAtPrevious = laps;
            dawdle();
        }
        r.r1 = verdict;
        r.r2 = reader.laps() > 0 ? 1 : 0;
    }

    /** A slow viewer: long enough between polls that the writer sometimes gets a whole ring ahead. */
    private static void dawdle() {
        for (int i = 0; i < 200; i++) {
            Thread.onSpinWait();
        }
    }
}
