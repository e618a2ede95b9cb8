package dev.camrelay.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.camrelay.core.buffer.StreamBuffer;
import dev.camrelay.core.buffer.StreamReader;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The writer overwrites a 4 KiB ring four times over while a reader copies frames out of it: every frame the reader
 * is handed must be whole (header and all 900 payload bytes of one sequence), whether or not it was lapped.
 */
@JCStressTest
@Description("A reader never yields a torn frame, even while the writer overwrites the bytes it is copying.")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "Every yielded frame whole; reader not lapped.")
@Outcome(id = "0, 1", expect = ACCEPTABLE_INTERESTING, desc = "Lapped; overwritten copies discarded, yield whole.")
@Outcome(expect = FORBIDDEN, desc = "A torn frame was yielded.")
@State
public class NoTornReadsTest {

    private final StreamBuffer stream = PlannedStream.newStream();
    private final StreamReader reader = PlannedStream.openReader(stream);

    @Actor
    public void writer() {
        for (int s = 0; s < PlannedStream.FRAMES; s++) {
            PlannedStream.publish(stream, s, s % 2 == 0);
        }
    }

    @Actor
    public void reader(II_Result r) {
        int torn = 0;
        for (int p = 0; p < PlannedStream.POLLS; p++) {
            if (reader.poll() == StreamReader.FRAME && !PlannedStream.isWhole(reader.frame())) {
                torn = 1;
            }
        }
        r.r1 = torn;
        r.r2 = reader.laps() > 0 ? 1 : 0;
    }
}
