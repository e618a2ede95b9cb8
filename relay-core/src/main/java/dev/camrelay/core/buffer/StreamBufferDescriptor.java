package dev.camrelay.core.buffer;

/**
 * Binary layout of a {@link StreamBuffer}: a data region of {@code capacity} bytes (a power of two) holding
 * records, followed by a trailer of counters. All offsets are computed here and nowhere else.
 *
 * <pre>
 * Record (aligned to {@link #RECORD_ALIGNMENT} bytes; a PADDING record fills the end of the region when the
 * next record would not fit before the wrap):
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 Record length (header + payload)              |  0
 *  +---------------------------------------------------------------+
 *  |                 Type (FRAME or PADDING)                       |  4
 *  +---------------------------------------------------------------+
 *  |                 Sequence (64, per stream, from 0)             |  8
 *  +---------------------------------------------------------------+
 *  |                 Camera fingerprint (64)                       | 16
 *  +---------------------------------------------------------------+
 *  |                 Epoch (64)                                    | 24
 *  +---------------------------------------------------------------+
 *  |                 Rendition (32)                                | 32
 *  +-------------------------------+-------------------------------+
 *  |           Flags (16)          |          Track (16)           | 36
 *  +-------------------------------+-------------------------------+
 *  |                 PTS (64, track clock units)                   | 40
 *  +---------------------------------------------------------------+
 *  |                 DTS (64, track clock units)                   | 48
 *  +---------------------------------------------------------------+
 *  |                 Payload length (32)                           | 56
 *  +---------------------------------------------------------------+
 *  |   Arrival (32): ingest's monotonic clock in us, low 32 bits    | 60
 *  +---------------------------------------------------------------+
 *  |                 Payload ...                                  ...  64
 *  +---------------------------------------------------------------+
 *
 * Trailer (after the data region; each counter on its own 128-byte line so that readers polling the tail do
 * not share a cache line with the writer's other counters):
 *   +0    tail intent     position up to which the writer may be overwriting (published before any write)
 *   +128  tail            position up to which records are complete (published after the write)
 *   +256  latest keyframe position of the newest keyframe record, or -1
 *   +384  sealed          1 once the writer has sealed the buffer (end of epoch)
 *   +512  frames          frames published (monitoring)
 *   +640  bytes           payload bytes published (monitoring)
 *   +768  rejected        frames rejected as too large (monitoring)
 * </pre>
 *
 * Positions are byte offsets since the buffer was created; they only grow. A position maps to an index in the data
 * region as {@code position & (capacity - 1)}.
 */
public final class StreamBufferDescriptor {

    public static final int RECORD_ALIGNMENT = 8;
    public static final int HEADER_LENGTH = 64;

    public static final int LENGTH_OFFSET = 0;
    public static final int TYPE_OFFSET = 4;
    public static final int SEQUENCE_OFFSET = 8;
    public static final int CAMERA_OFFSET = 16;
    public static final int EPOCH_OFFSET = 24;
    public static final int RENDITION_OFFSET = 32;
    public static final int FLAGS_OFFSET = 36;
    public static final int TRACK_OFFSET = 38;
    public static final int PTS_OFFSET = 40;
    public static final int DTS_OFFSET = 48;
    public static final int PAYLOAD_LENGTH_OFFSET = 56;
    /**
     * When the frame arrived at the relay: the ingest's {@code System.nanoTime() / 1000} as given to
     * {@code publish}, low 32 bits (wraps every 71 minutes; differences stay exact below that). Egress measures
     * frame-in to last-packet-out latency with it.
     */
    public static final int ARRIVAL_MICROS_OFFSET = 60;

    public static final int TYPE_FRAME = 0x4652414d;   // "FRAM"
    public static final int TYPE_PADDING = 0x50414444; // "PADD"

    /** Flag: a decoder can start at this frame (H.264 IDR, H.265 IRAP, every audio frame of an audio-only stream). */
    public static final short FLAG_KEYFRAME = 0x1;

    private static final int LINE = 128;
    public static final int TAIL_INTENT_OFFSET = 0;
    public static final int TAIL_OFFSET = LINE;
    public static final int LATEST_KEYFRAME_OFFSET = 2 * LINE;
    public static final int SEALED_OFFSET = 3 * LINE;
    public static final int FRAMES_OFFSET = 4 * LINE;
    public static final int BYTES_OFFSET = 5 * LINE;
    public static final int REJECTED_OFFSET = 6 * LINE;
    public static final int TRAILER_LENGTH = 7 * LINE;

    /** Smallest data region: a few headers must fit. */
    public static final int MIN_CAPACITY = 4096;
    /** Largest data region: positions are masked to int indices. */
    public static final int MAX_CAPACITY = 1 << 30;

    /**
     * A record may take at most a quarter of the region, so that a reader copying one record is not lapped by the
     * writer publishing a few ordinary frames, and a keyframe plus its GOP usually fit.
     */
    public static int maxPayloadLength(int capacity) {
        return capacity / 4 - HEADER_LENGTH;
    }

    public static int align(int length) {
        return (length + RECORD_ALIGNMENT - 1) & -RECORD_ALIGNMENT;
    }

    public static void checkCapacity(int capacity) {
        if (capacity < MIN_CAPACITY || capacity > MAX_CAPACITY || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException(
                    "capacity must be a power of two in [" + MIN_CAPACITY + ", " + MAX_CAPACITY + "]: " + capacity);
        }
    }

    private StreamBufferDescriptor() {
    }
}
