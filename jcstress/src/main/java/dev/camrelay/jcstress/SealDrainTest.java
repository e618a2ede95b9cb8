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
 * The camera publishes three frames and ends the epoch: a reader sees END_OF_STREAM only after all three, whole and
 * in order, i.e. the seal is never visible before the frames published ahead of it.
 *
 * <p>r1 is how many frames the reader yielded (in order, whole; -1 otherwise); r2 is 1 once it saw END_OF_STREAM.
 */
@JCStressTest
@Description("END_OF_STREAM comes only after every frame published before seal().")
@Outcome(id = {"0, 0", "1, 0", "2, 0"}, expect = ACCEPTABLE_INTERESTING, desc = "Poll budget ran out mid-stream.")
@Outcome(id = "3, 0", expect = ACCEPTABLE, desc = "All frames read; seal not yet seen.")
@Outcome(id = "3, 1", expect = ACCEPTABLE, desc = "All frames read, then END_OF_STREAM.")
@Outcome(expect = FORBIDDEN, desc = "END_OF_STREAM before all frames, or a frame torn or out of order.")
@State
public class SealDrainTest {

    private static final int FRAMES = 3;

    private final StreamBuffer stream = PlannedStream.newStream();
    private final StreamReader reader = PlannedStream.openReader(stream);

    @Actor
    public void writer() {
        for (int s = 0; s < FRAMES; s++) {
            PlannedStream.publish(stream, s, s == 0);
        }
        stream.seal();
    }

    @Actor
    public void reader(II_Result r) {
        int read = 0;
        for (int p = 0; p < PlannedStream.POLLS; p++) {
            int status = reader.poll();
            if (status == StreamReader.END_OF_STREAM) {
                r.r2 = 1;
                break;
            }
            if (status == StreamReader.FRAME) {
                if (reader.frame().sequence() != read || !PlannedStream.isWhole(reader.frame())) {
                    read = -1;
                    break;
                }
                read++;
            }
        }
        r.r1 = read;
    }
}
