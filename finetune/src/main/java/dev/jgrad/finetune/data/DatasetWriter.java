package dev.jgrad.finetune.data;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * Writes a subset of a dataset file's rows (e.g. one split) in the file's own format, with every column kept,
 * not just the ones a {@link ColumnSpec} names. Rows are copied from the source verbatim for JSONL and
 * re-quoted minimally for CSV/TSV.
 */
public final class DatasetWriter {
    private DatasetWriter() {}

    /**
     * Writes rows {@code indices} (positions among the data rows, header excluded) of {@code source} to
     * {@code target}, atomically (a temporary file renamed into place).
     */
    public static void writeRows(Path source, DataFormat format, int[] indices, Path target) throws IOException {
        String content = DatasetReader.readUtf8(source);
        String out = format == DataFormat.JSONL ? jsonlRows(content, indices) : delimitedRows(content, format, indices);
        writeAtomically(target, out);
    }

    private static String jsonlRows(String content, int[] indices) {
        List<String> lines = new ArrayList<>();
        for (String line : content.split("\r?\n")) {
            if (!line.isEmpty()) {
                lines.add(line);
            }
        }
        StringBuilder out = new StringBuilder();
        for (int i : indices) {
            out.append(lines.get(i)).append('\n');
        }
        return out.toString();
    }

    private static String delimitedRows(String content, DataFormat format, int[] indices) throws IOException {
        char delimiter = format == DataFormat.TSV ? '\t' : ',';
        CSVFormat in = CSVFormat.RFC4180.builder().setDelimiter(delimiter).setHeader().setSkipHeaderRecord(true).get();
        try (CSVParser parser = CSVParser.parse(new StringReader(content), in)) {
            List<CSVRecord> records = parser.getRecords();
            StringWriter buffer = new StringWriter();
            CSVFormat outFormat = CSVFormat.RFC4180.builder().setDelimiter(delimiter)
                    .setHeader(parser.getHeaderNames().toArray(new String[0])).get();
            try (CSVPrinter printer = new CSVPrinter(buffer, outFormat)) {
                for (int i : indices) {
                    printer.printRecord((Object[]) records.get(i).values());
                }
            }
            return buffer.toString();
        }
    }

    /** Writes {@code text} as UTF-8 to a temporary file beside {@code target}, then renames it over the target. */
    public static void writeAtomically(Path target, String text) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
