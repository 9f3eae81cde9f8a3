package dev.jgrad.nn.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jgrad.engine.Storage;
import dev.jgrad.engine.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An open safetensors file whose header has been read and fully validated; tensor data is read on demand
 * through memory mapping.
 *
 * <p>Format (huggingface/safetensors): an unsigned 64-bit little-endian header size N, N bytes of UTF-8 JSON
 * mapping each tensor name to {@code {"dtype", "shape", "data_offsets": [begin, end]}} (offsets relative to the
 * byte after the header) plus an optional {@code "__metadata__"} string→string map, then the data.
 *
 * <p>Everything a read could trip over is checked when the file is opened, before any tensor is returned:
 * the file is long enough, the header size is neither past the end of the file nor above
 * {@value #MAX_HEADER_BYTES} bytes (the reference implementation's limit), the JSON is valid with no duplicate
 * keys, every dtype is known, every shape matches its byte length, and the tensors tile the data area exactly
 * (no overlap, no gap, nothing past the end). A bad file therefore fails with a {@link SafeTensorsException}
 * naming the file and the problem, never with an OutOfMemoryError, a hang or a half-loaded model.
 */
public final class SafeTensorsFile implements AutoCloseable {
    /** Largest header accepted, as in the reference implementation. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    /** Bytes mapped at a time when a tensor is larger than one mapping can hold. */
    private static final long CHUNK = 1L << 30;

    /** One tensor's header entry; offsets are absolute positions in the file. */
    public record Entry(String name, SafeDType dtype, int[] shape, long begin, long end) {
        public long numel() {
            long n = 1;
            for (int s : shape) n *= s;
            return n;
        }

        @Override
        public String toString() {
            return name + " " + dtype + " " + Arrays.toString(shape);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Path path;
    private final FileChannel channel;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafeTensorsFile(Path path, FileChannel channel, Map<String, Entry> entries, Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.entries = entries;
        this.metadata = metadata;
    }

    /** Opens and validates {@code path}; see the class comment for what is checked. */
    public static SafeTensorsFile open(Path path) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new SafeTensorsException(path, "cannot open: " + e, e);
        }
        try {
            var parsed = readHeader(path, ch);
            return new SafeTensorsFile(path, ch, parsed.entries, parsed.metadata);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private record Header(Map<String, Entry> entries, Map<String, String> metadata) {}

    private static Header readHeader(Path path, FileChannel ch) throws IOException {
        long fileSize = ch.size();
        if (fileSize < 8) {
            throw new SafeTensorsException(path, "truncated file: " + fileSize + " bytes, too short for the 8-byte header size");
        }
        ByteBuffer sizeBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, sizeBuf, 0);
        long n = sizeBuf.getLong(0);
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw new SafeTensorsException(path, "header size " + Long.toUnsignedString(n) + " bytes is absurdly large (limit "
                    + MAX_HEADER_BYTES + "); not a safetensors file or corrupt");
        }
        if (8 + n > fileSize) {
            throw new SafeTensorsException(path, "header size " + n + " runs past the end of the file (" + fileSize
                    + " bytes); the file is truncated or corrupt");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) n);
        readFully(ch, hb, 8);
        String text = new String(hb.array(), StandardCharsets.UTF_8);
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new SafeTensorsException(path, "invalid JSON header: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new SafeTensorsException(path, "invalid JSON header: expected an object, got " + (root == null ? "nothing" : root.getNodeType()));
        }
        long dataStart = 8 + n, dataLen = fileSize - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (var f : root.properties()) {
            if (f.getKey().equals("__metadata__")) {
                if (!f.getValue().isObject()) throw new SafeTensorsException(path, "__metadata__ must be an object of strings");
                for (var kv : f.getValue().properties()) {
                    if (!kv.getValue().isTextual()) {
                        throw new SafeTensorsException(path, "__metadata__ value for '" + kv.getKey() + "' must be a string, got " + kv.getValue().getNodeType());
                    }
                    metadata.put(kv.getKey(), kv.getValue().textValue());
                }
            } else {
                entries.put(f.getKey(), parseEntry(path, f.getKey(), f.getValue(), dataStart));
            }
        }
        checkTiling(path, entries, dataStart, dataLen);
        return new Header(Collections.unmodifiableMap(entries), Collections.unmodifiableMap(metadata));
    }

    private static Entry parseEntry(Path path, String name, JsonNode v, long dataStart) throws SafeTensorsException {
        String where = "tensor '" + name + "': ";
        if (!v.isObject()) throw new SafeTensorsException(path, where + "header entry must be an object");
        JsonNode dt = v.get("dtype"), sh = v.get("shape"), off = v.get("data_offsets");
        if (dt == null || !dt.isTextual()) throw new SafeTensorsException(path, where + "missing or non-string \"dtype\"");
        SafeDType dtype;
        try {
            dtype = SafeDType.valueOf(dt.textValue());
        } catch (IllegalArgumentException e) {
            throw new SafeTensorsException(path, where + (SafeDType.SPEC_ONLY.contains(dt.textValue())
                    ? "dtype " + dt.textValue() + " is not supported by jgrad (supported: " + Arrays.toString(SafeDType.values()) + ")"
                    : "unknown dtype '" + dt.textValue() + "'"));
        }
        if (sh == null || !sh.isArray()) throw new SafeTensorsException(path, where + "missing or non-array \"shape\"");
        int[] shape = new int[sh.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = sh.get(i);
            if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0 || d.asLong() > Integer.MAX_VALUE) {
                throw new SafeTensorsException(path, where + "shape " + sh + " has an invalid dimension " + d);
            }
            shape[i] = (int) d.asLong();
            numel = mulOrMax(numel, shape[i]);
        }
        if (off == null || !off.isArray() || off.size() != 2 || !off.get(0).isIntegralNumber() || !off.get(1).isIntegralNumber()
                || !off.get(0).canConvertToLong() || !off.get(1).canConvertToLong()) {
            throw new SafeTensorsException(path, where + "\"data_offsets\" must be [begin, end], got " + off);
        }
        long begin = off.get(0).asLong(), end = off.get(1).asLong();
        if (begin < 0 || end < begin) throw new SafeTensorsException(path, where + "data_offsets " + off + " are not 0 ≤ begin ≤ end");
        long expected = mulOrMax(numel, dtype.bytes);
        if (expected != end - begin) {
            throw new SafeTensorsException(path, where + "shape " + Arrays.toString(shape) + " of " + dtype + " needs "
                    + (expected == Long.MAX_VALUE ? "more than 2^63" : String.valueOf(expected)) + " bytes but data_offsets " + off
                    + " span " + (end - begin));
        }
        if (numel > Integer.MAX_VALUE) {
            throw new SafeTensorsException(path, where + numel + " elements exceed what one jgrad tensor can hold (2^31−1)");
        }
        return new Entry(name, dtype, shape, dataStart + begin, dataStart + end);
    }

    private static long mulOrMax(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** The tensors must cover [0, dataLen) exactly, in some order, without overlapping. */
    private static void checkTiling(Path path, Map<String, Entry> entries, long dataStart, long dataLen) throws SafeTensorsException {
        List<Entry> sorted = new ArrayList<>(entries.values());
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long pos = dataStart;
        Entry prev = null;
        for (Entry e : sorted) {
            if (e.end() > dataStart + dataLen) {
                throw new SafeTensorsException(path, "tensor '" + e.name() + "': data_offsets [" + (e.begin() - dataStart) + ", "
                        + (e.end() - dataStart) + "] run past the end of the file (data area is " + dataLen + " bytes)");
            }
            if (e.begin() < pos) {
                throw new SafeTensorsException(path, "tensors '" + prev.name() + "' and '" + e.name() + "' overlap (bytes "
                        + (e.begin() - dataStart) + ".." + (pos - dataStart) + ")");
            }
            if (e.begin() > pos) {
                throw new SafeTensorsException(path, "gap of " + (e.begin() - pos) + " bytes before tensor '" + e.name()
                        + "' (data_offsets must tile the data area)");
            }
            pos = e.end();
            prev = e;
        }
        if (pos != dataStart + dataLen) {
            throw new SafeTensorsException(path, (dataStart + dataLen - pos) + " bytes after the last tensor are not described by the header");
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long at) throws IOException {
        while (buf.hasRemaining()) {
            int r = ch.read(buf, at + buf.position());
            if (r < 0) throw new IOException("unexpected end of file");
        }
    }

    public Path path() { return path; }

    /** Header entries by name, in header order. */
    public Map<String, Entry> entries() { return entries; }

    /** The {@code __metadata__} map (empty if absent). */
    public Map<String, String> metadata() { return metadata; }

    /** Total element count over all tensors. */
    public long parameterCount() {
        long n = 0;
        for (Entry e : entries.values()) n += e.numel();
        return n;
    }

    /** Reads tensor {@code name} (memory-mapped), converted as {@link SafeDType} describes. */
    public Tensor tensor(String name) throws IOException {
        Entry e = entries.get(name);
        if (e == null) throw new SafeTensorsException(path, "no tensor named '" + name + "'");
        int n = (int) e.numel();
        Storage s = Storage.allocate(e.dtype().loadsAs, n);
        int done = 0;
        long perChunk = CHUNK / e.dtype().bytes;
        while (done < n) {
            int count = (int) Math.min(perChunk, n - done);
            ByteBuffer buf = channel.map(FileChannel.MapMode.READ_ONLY, e.begin() + (long) done * e.dtype().bytes, (long) count * e.dtype().bytes);
            e.dtype().decode(buf, count, s, done);
            done += count;
        }
        return Tensor.wrap(s, e.shape());
    }

    /** Every tensor, in header order. */
    public Map<String, Tensor> loadAll() throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : entries.keySet()) out.put(name, tensor(name));
        return out;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
