package dev.camrelay.hls.testing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** A test-side ISO BMFF reader: just enough to walk box trees and read fields, independent of the writer. */
public final class Mp4Boxes {

    /** Boxes whose payload is a list of child boxes (after {@code skip} header bytes). */
    private static final Set<String> CONTAINERS = Set.of("moov", "trak", "mdia", "minf", "dinf", "stbl", "mvex",
            "moof", "traf");

    /** One box: its type, absolute offset in the file, size, and children if it is a container. */
    public record Box(String type, int offset, int size, List<Box> children, byte[] file) {

        /** Bytes after the 8-byte header. */
        public ByteBuffer body() {
            return ByteBuffer.wrap(file, offset + 8, size - 8).slice();
        }

        public byte[] bodyBytes() {
            byte[] out = new byte[size - 8];
            System.arraycopy(file, offset + 8, out, 0, out.length);
            return out;
        }

        public Box child(String path) {
            Box current = this;
            for (String name : path.split("/")) {
                Box next = null;
                for (Box c : current.children) {
                    if (c.type.equals(name)) {
                        next = c;
                        break;
                    }
                }
                if (next == null) {
                    throw new AssertionError("no " + name + " in " + current.type + " " + current.childTypes());
                }
                current = next;
            }
            return current;
        }

        public List<Box> all(String name) {
            return children.stream().filter(c -> c.type.equals(name)).toList();
        }

        public List<String> childTypes() {
            return children.stream().map(Box::type).toList();
        }
    }

    private Mp4Boxes() {
    }

    /** The top-level boxes of a file, containers parsed recursively. */
    public static List<Box> parse(byte[] file) {
        return parse(file, 0, file.length);
    }

    private static List<Box> parse(byte[] file, int from, int to) {
        List<Box> out = new ArrayList<>();
        int pos = from;
        while (pos < to) {
            int size = ByteBuffer.wrap(file, pos, 4).getInt();
            if (size < 8 || pos + size > to) {
                throw new AssertionError("bad box size " + size + " at " + pos);
            }
            String type = new String(file, pos + 4, 4, StandardCharsets.US_ASCII);
            List<Box> children = CONTAINERS.contains(type) ? parse(file, pos + 8, pos + size) : List.of();
            out.add(new Box(type, pos, size, children, file));
            pos += size;
        }
        return out;
    }

    /** The first top-level box of a type. */
    public static Box top(byte[] file, String type) {
        return parse(file).stream().filter(b -> b.type().equals(type)).findFirst()
                .orElseThrow(() -> new AssertionError("no top-level " + type));
    }

    /** Finds a box by type anywhere below the given boxes' descendants, including sample entries' children. */
    public static int indexOf(byte[] file, String fourcc, int from) {
        byte[] needle = fourcc.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = from; i <= file.length - 4; i++) {
            for (int j = 0; j < 4; j++) {
                if (file[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i - 4;
        }
        return -1;
    }
}
