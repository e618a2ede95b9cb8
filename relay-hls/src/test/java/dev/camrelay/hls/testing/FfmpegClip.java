package dev.camrelay.hls.testing;

import dev.camrelay.core.media.AccessUnit;
import dev.camrelay.core.media.Codec;
import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.media.TrackFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A short test clip encoded by the system ffmpeg into a plain MP4, read back packet by packet (ffprobe gives each
 * packet's file position, size, PTS, DTS and key flag) into {@link AccessUnit}s in the buffer's format: AVCC video
 * with the parameter sets in-band before each keyframe, raw audio frames. Video runs at 90 kHz, audio at 48 kHz;
 * every timestamp is shifted by {@link #SHIFT_SECONDS} so B-frame and encoder-priming DTS stay non-negative.
 *
 * @param format     the stream's tracks: 0 video, 1 audio
 * @param units      all access units in decode order across tracks
 * @param videoCount number of video frames
 * @param audioCount number of audio frames
 */
public record FfmpegClip(StreamFormat format, List<AccessUnit> units, int videoCount, int audioCount) {

    public static final double SHIFT_SECONDS = 0.5;
    public static final int VIDEO_CLOCK = 90_000;
    public static final int AUDIO_RATE = 48_000;

    /**
     * Encodes {@code seconds} of testsrc2 at 25 fps with a keyframe every {@code gop} frames and B-frames, plus a
     * sine tone.
     *
     * @param videoEncoder "libx264" or "libx265"
     * @param audioEncoder "aac" or "libopus"
     */
    public static FfmpegClip encode(Path dir, String videoEncoder, String audioEncoder, double seconds, int gop) {
        Path mp4 = dir.resolve("clip-" + videoEncoder + "-" + audioEncoder + ".mp4");
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-y",
                "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                "-t", Double.toString(seconds), "-pix_fmt", "yuv420p",
                "-c:v", videoEncoder, "-g", Integer.toString(gop),
                "-bf", "2", "-c:a", audioEncoder, "-ar", "48000", "-ac", "2",
                "-video_track_timescale", "90000"));
        if (videoEncoder.equals("libx265")) {
            cmd.addAll(List.of("-tag:v", "hvc1", "-x265-params", "log-level=error:keyint=" + gop + ":scenecut=0"));
        } else {
            cmd.addAll(List.of("-x264-params", "scenecut=0"));
        }
        cmd.add(mp4.getFileName().toString());
        ExternalTool.runOk(dir, cmd.toArray(String[]::new));
        try {
            return read(dir, mp4, videoEncoder.equals("libx265") ? Codec.H265 : Codec.H264,
                    audioEncoder.equals("aac") ? Codec.AAC : Codec.OPUS);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static FfmpegClip read(Path dir, Path mp4, Codec videoCodec, Codec audioCodec) throws IOException {
        byte[] file = Files.readAllBytes(mp4);
        List<byte[]> videoParams = videoCodec == Codec.H264 ? avcParameterSets(file) : hevcParameterSets(file);
        List<byte[]> audioParams = audioCodec == Codec.AAC ? List.of(audioSpecificConfig(file)) : List.of();
        StreamFormat format = new StreamFormat(List.of(
                TrackFormat.video(0, videoCodec, "", "", 320, 240, 25, videoParams),
                TrackFormat.audio(1, audioCodec, AUDIO_RATE, 2, audioParams)));

        ExternalTool.Result probe = ExternalTool.runOk(dir, "ffprobe", "-v", "error", "-show_entries",
                "packet=stream_index,pts,dts,size,pos,flags", "-of", "compact=p=0", mp4.getFileName().toString());
        byte[] inBand = avcc(videoParams);
        List<AccessUnit> units = new ArrayList<>();
        int video = 0;
        int audio = 0;
        for (String line : probe.stdout().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, String> f = new HashMap<>();
            for (String kv : line.split("\\|")) {
                int eq = kv.indexOf('=');
                f.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            int track = Integer.parseInt(f.get("stream_index"));
            int size = Integer.parseInt(f.get("size"));
            int pos = Integer.parseInt(f.get("pos"));
            boolean key = f.get("flags").startsWith("K");
            long shift = Math.round(SHIFT_SECONDS * (track == 0 ? VIDEO_CLOCK : AUDIO_RATE));
            long pts = Long.parseLong(f.get("pts")) + shift;
            long dts = Long.parseLong(f.get("dts")) + shift;
            byte[] payload = new byte[size];
            System.arraycopy(file, pos, payload, 0, size);
            if (track == 0) {
                video++;
                if (key) {
                    ByteArrayOutputStream b = new ByteArrayOutputStream();
                    b.writeBytes(inBand);
                    b.writeBytes(payload);
                    payload = b.toByteArray();
                }
            } else {
                audio++;
            }
            units.add(new AccessUnit(track, pts, dts, track == 0 && key, payload));
        }
        units.sort(Comparator.comparingDouble(u -> u.dts() / (double) (u.track() == 0 ? VIDEO_CLOCK : AUDIO_RATE)));
        return new FfmpegClip(format, List.copyOf(units), video, audio);
    }

    /** NAL units prefixed with 4-byte lengths. */
    public static byte[] avcc(List<byte[]> nals) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] nal : nals) {
            b.writeBytes(ByteBuffer.allocate(4).putInt(nal.length).array());
            b.writeBytes(nal);
        }
        return b.toByteArray();
    }

    private static List<byte[]> avcParameterSets(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file);
        b.position(Mp4Boxes.indexOf(file, "avcC", 0) + 8 + 5);
        List<byte[]> out = new ArrayList<>();
        int sps = b.get() & 0x1F;
        for (int i = 0; i < sps; i++) {
            out.add(bytes(b, b.getShort() & 0xFFFF));
        }
        int pps = b.get() & 0xFF;
        for (int i = 0; i < pps; i++) {
            out.add(bytes(b, b.getShort() & 0xFFFF));
        }
        return out;
    }

    private static List<byte[]> hevcParameterSets(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file);
        b.position(Mp4Boxes.indexOf(file, "hvcC", 0) + 8 + 22);
        byte[][] byType = new byte[3][];
        int arrays = b.get() & 0xFF;
        for (int a = 0; a < arrays; a++) {
            int type = b.get() & 0x3F;
            int n = b.getShort() & 0xFFFF;
            for (int i = 0; i < n; i++) {
                byte[] nal = bytes(b, b.getShort() & 0xFFFF);
                if (type >= 32 && type <= 34) {
                    byType[type - 32] = nal;
                }
            }
        }
        return List.of(byType[0], byType[1], byType[2]);
    }

    private static byte[] audioSpecificConfig(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file);
        b.position(Mp4Boxes.indexOf(file, "esds", 0) + 8 + 4);
        while (b.hasRemaining()) {
            int tag = b.get() & 0xFF;
            int len = descriptorLength(b);
            switch (tag) {
                case 0x03 -> b.position(b.position() + 3);
                case 0x04 -> b.position(b.position() + 13);
                case 0x05 -> {
                    return bytes(b, len);
                }
                default -> throw new AssertionError("unexpected descriptor tag " + tag);
            }
        }
        throw new AssertionError("no DecoderSpecificInfo in esds");
    }

    private static int descriptorLength(ByteBuffer b) {
        int len = 0;
        int c;
        do {
            c = b.get() & 0xFF;
            len = (len << 7) | (c & 0x7F);
        } while ((c & 0x80) != 0);
        return len;
    }

    private static byte[] bytes(ByteBuffer b, int n) {
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }
}
