package dev.jgrad.finetune.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads CSV, TSV and JSONL datasets into {@link Dataset}s, with errors that name the file and line.
 *
 * <p>All files must be UTF-8 (a leading byte-order mark is tolerated). Every row must have a non-blank text
 * (and text pair, and label, when those columns are requested): a silently empty row would train on nothing
 * and skew metrics, so it is an error rather than something to skip.
 */
public final class DatasetReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DatasetReader() {}

    /** Reads {@code file}, choosing the format from its extension. */
    public static Dataset read(Path file, ColumnSpec columns) {
        return read(file, DataFormat.fromPath(file), columns);
    }

    /** Reads {@code file} in the given format. */
    public static Dataset read(Path file, DataFormat format, ColumnSpec columns) {
        String content = readUtf8(file);
        if (content.isBlank()) {
            throw new DatasetException(file, 0, "file is empty");
        }
        List<Example> rows = format == DataFormat.JSONL
                ? readJsonl(file, content, columns)
                : readDelimited(file, content, format == DataFormat.TSV ? '\t' : ',', columns);
        if (rows.isEmpty()) {
            throw new DatasetException(file, 0, "file has a header but no rows");
        }
        return new Dataset(file, rows);
    }

    /**
     * Decodes a file strictly as UTF-8, so that a Latin-1 or UTF-16 file fails loudly (with the line of the
     * first bad byte) instead of producing mojibake that the model would happily train on.
     */
    public static String readUtf8(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DatasetException(file, 0, "cannot read file: " + e.getMessage());
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            int bad = in.position();
            throw new DatasetException(file, lineOfByte(bytes, bad), String.format(
                    "not valid UTF-8 (byte 0x%02X at offset %d); re-save the file as UTF-8", bytes[bad] & 0xFF, bad));
        }
        decoder.flush(out);
        out.flip();
        String text = out.toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    private static long lineOfByte(byte[] bytes, int offset) {
        long line = 1;
        for (int i = 0; i < offset; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }

    private static List<Example> readDelimited(Path file, String content, char delimiter, ColumnSpec columns) {
        CSVFormat format = CSVFormat.RFC4180.builder()
                .setDelimiter(delimiter)
                .setHeader()
                .setSkipHeaderRecord(true)
                .get();
        LineIndex lines = new LineIndex(content);
        List<Example> rows = new ArrayList<>();
        try (CSVParser parser = CSVParser.parse(new StringReader(content), format)) {
            Map<String, Integer> header = parser.getHeaderMap();
            for (String column : columns.required()) {
                if (!header.containsKey(column)) {
                    throw new DatasetException(file, 1, "missing column '" + column + "' (header has "
                            + parser.getHeaderNames() + ")");
                }
            }
            for (CSVRecord record : parser) {
                long line = lines.lineOf(record.getCharacterPosition());
                if (record.size() == 1 && record.get(0).isEmpty()) {
                    throw new DatasetException(file, line, "empty row");
                }
                if (record.size() != header.size()) {
                    throw new DatasetException(file, line, "malformed row: expected " + header.size()
                            + " fields, found " + record.size());
                }
                rows.add(example(file, line, columns, column -> record.get(column)));
            }
        } catch (UncheckedIOException | IllegalStateException | IllegalArgumentException e) {
            // Commons CSV reports broken quoting this way; its message already carries the line number.
            throw new DatasetException(file, 0, "malformed CSV: " + rootMessage(e));
        } catch (IOException e) {
            throw new DatasetException(file, 0, "cannot parse: " + e.getMessage());
        }
        return rows;
    }

    private static List<Example> readJsonl(Path file, String content, ColumnSpec columns) {
        List<Example> rows = new ArrayList<>();
        String[] lines = content.split("\r?\n", -1);
        // A final newline is conventional; only a truly blank line in the middle is an error.
        int count = lines.length;
        while (count > 0 && lines[count - 1].isEmpty()) {
            count--;
        }
        for (int i = 0; i < count; i++) {
            long line = i + 1L;
            if (lines[i].isBlank()) {
                throw new DatasetException(file, line, "empty line");
            }
            JsonNode node;
            try {
                node = JSON.readTree(lines[i]);
            } catch (JsonProcessingException e) {
                throw new DatasetException(file, line, "malformed JSON: " + e.getOriginalMessage());
            }
            if (node == null || !node.isObject()) {
                throw new DatasetException(file, line, "expected a JSON object");
            }
            for (String column : columns.required()) {
                if (!node.has(column)) {
                    throw new DatasetException(file, line, "missing key '" + column + "'");
                }
            }
            rows.add(example(file, line, columns, key -> scalar(file, line, key, node.get(key))));
        }
        return rows;
    }

    private static String scalar(Path file, long line, String key, JsonNode value) {
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isNumber() || value.isBoolean()) {
            return value.asText();
        }
        throw new DatasetException(file, line, "key '" + key + "' must be a string or number, found "
                + value.getNodeType().toString().toLowerCase(Locale.ROOT));
    }

    private static Example example(Path file, long line, ColumnSpec columns,
                                   Function<String, String> field) {
        String text = nonBlank(file, line, columns.text(), field.apply(columns.text()));
        String pair = columns.textPair() == null ? null
                : nonBlank(file, line, columns.textPair(), field.apply(columns.textPair()));
        String label = columns.label() == null ? null
                : nonBlank(file, line, columns.label(), field.apply(columns.label())).strip();
        return new Example(text, pair, label, line);
    }

    private static String nonBlank(Path file, long line, String column, String value) {
        if (value == null || value.isBlank()) {
            throw new DatasetException(file, line, "empty value in column '" + column + "'");
        }
        return value;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    /** Maps character offsets to 1-based line numbers, so CSV rows can be reported by line. */
    private static final class LineIndex {
        private final int[] starts;

        LineIndex(String content) {
            int[] s = new int[16];
            int n = 0;
            s[n++] = 0;
            for (int i = 0; i < content.length(); i++) {
                if (content.charAt(i) == '\n') {
                    if (n == s.length) {
                        s = Arrays.copyOf(s, n * 2);
                    }
                    s[n++] = i + 1;
                }
            }
            starts = Arrays.copyOf(s, n);
        }

        long lineOf(long charPosition) {
            int i = Arrays.binarySearch(starts, (int) charPosition);
            return (i >= 0 ? i : -i - 2) + 1L;
        }
    }
}
