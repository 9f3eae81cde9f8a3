package dev.jgrad.nn.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jgrad.engine.DType;
import dev.jgrad.engine.Tensor;
import dev.jgrad.nn.LoadReport;
import dev.jgrad.nn.Module;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reading and writing the safetensors format (https://github.com/huggingface/safetensors).
 * See {@link SafeTensorsFile} for reading and validation; this class adds one-call loads and the writer.
 *
 * <p>Writes are atomic: the file is written and forced to disk under a temporary name in the same
 * directory, then renamed over the destination, so a crash leaves either the old file or the new one.
 */
public final class SafeTensors {
    private SafeTensors() {}

    /** How float32 tensors are stored: as is, or rounded (to nearest even) to half or bfloat16. */
    public enum FloatFormat { F32, F16, BF16 }

    /** Opens a file lazily (header validated, data read on demand). Close it when done. */
    public static SafeTensorsFile open(Path path) throws IOException {
        return SafeTensorsFile.open(path);
    }

    /** Reads every tensor of a file, in header order. */
    public static Map<String, Tensor> load(Path path) throws IOException {
        try (SafeTensorsFile f = SafeTensorsFile.open(path)) {
            return f.loadAll();
        }
    }

    /**
     * Loads a file into a module's parameters and buffers. The whole file is read and validated before
     * {@link Module#loadStateDict} writes anything, so a bad file leaves the module untouched.
     */
    public static LoadReport loadInto(Module module, Path path, boolean strict) throws IOException {
        return module.loadStateDict(load(path), strict);
    }

    /** Writes tensors (float32 as F32) and optional metadata. */
    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        write(path, tensors, metadata, FloatFormat.F32);
    }

    /** Writes a module's state dict. */
    public static void save(Module module, Path path, Map<String, String> metadata) throws IOException {
        write(path, module.stateDict(), metadata);
    }

    /**
     * Writes tensors in the given order, with {@code __metadata__} first (if non-empty), the header padded with
     * spaces to a multiple of 8 bytes so the data is aligned, and float32 tensors stored as {@code floats}.
     */
    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata, FloatFormat floats) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) header.put("__metadata__", new LinkedHashMap<>(metadata));
        List<Tensor> order = new ArrayList<>();
        List<SafeDType> types = new ArrayList<>();
        long offset = 0;
        for (var e : tensors.entrySet()) {
            if (e.getKey().equals("__metadata__")) throw new SafeTensorsException(path, "'__metadata__' cannot be a tensor name");
            Tensor t = e.getValue();
            SafeDType dt = t.dtype() == DType.FLOAT32 ? SafeDType.valueOf(floats.name()) : SafeDType.forWriting(t.dtype());
            long bytes = (long) t.numel() * dt.bytes;
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", dt.name());
            info.put("shape", t.shape());
            info.put("data_offsets", new long[] {offset, offset + bytes});
            header.put(e.getKey(), info);
            order.add(t);
            types.add(dt);
            offset += bytes;
        }
        byte[] json = new ObjectMapper().writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) head.put((byte) ' ');
        head.flip();

        Path dir = path.toAbsolutePath().getParent();
        if (dir != null) Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + path.getFileName() + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                writeAll(ch, head);
                for (int i = 0; i < order.size(); i++) writeTensor(ch, order.get(i), types.get(i));
                ch.force(true);
            }
            moveAtomically(tmp, path);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /** Renames {@code tmp} over {@code dest}, atomically where the file system allows. */
    static void moveAtomically(Path tmp, Path dest) throws IOException {
        try {
            Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void writeAll(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }

    /** Encodes a tensor in row-major order, a bounded number of elements at a time. */
    private static void writeTensor(FileChannel ch, Tensor t, SafeDType dt) throws IOException {
        t = t.cpu();
        Tensor c = t.isWholeStorage() ? t : t.contiguousCopy();
        int n = c.numel(), step = 1 << 20;
        ByteBuffer buf = ByteBuffer.allocate(step * dt.bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int start = 0; start < n; start += step) {
            int count = Math.min(step, n - start);
            buf.clear();
            for (int i = start; i < start + count; i++) {
                switch (dt) {
                    case F32 -> buf.putFloat(c.storage().floats()[i]);
                    case F16 -> buf.putShort(SafeDType.floatToHalf(c.storage().floats()[i]));
                    case BF16 -> buf.putShort(SafeDType.floatToBf16(c.storage().floats()[i]));
                    case I32 -> buf.putInt(c.storage().ints()[i]);
                    case I64 -> buf.putLong(c.storage().longs()[i]);
                    case I8, BOOL -> buf.put(c.storage().bytes()[i]);
                    case U8 -> throw new IllegalStateException("jgrad never writes U8");
                }
            }
            buf.flip();
            writeAll(ch, buf);
        }
    }
}
