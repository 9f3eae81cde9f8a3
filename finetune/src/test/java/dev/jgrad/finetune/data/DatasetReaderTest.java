package dev.jgrad.finetune.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetReaderTest {
    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    private DatasetException fails(Path file, ColumnSpec columns) {
        return assertThrows(DatasetException.class, () -> DatasetReader.read(file, columns));
    }

    @Test
    void csvAndJsonlOfTheSameRowsAgree() {
        Dataset csv = DatasetReader.read(Fixtures.path("data/spam-sample.csv"), ColumnSpec.defaults());
        Dataset jsonl = DatasetReader.read(Fixtures.path("data/spam-sample.jsonl"), ColumnSpec.defaults());
        assertEquals(24, csv.size());
        assertEquals(24, jsonl.size());
        for (int i = 0; i < csv.size(); i++) {
            assertEquals(csv.examples().get(i).text(), jsonl.examples().get(i).text());
            assertEquals(csv.examples().get(i).label(), jsonl.examples().get(i).label());
        }
        assertEquals(2, csv.examples().get(0).line());
        assertEquals(1, jsonl.examples().get(0).line());
        assertEquals(7, List.of(csv.labels()).stream().filter("spam"::equals).count());
    }

    @Test
    void csvQuotingSpansLinesAndLineNumbersFollow() throws IOException {
        Path file = write("q.csv", "text,label\n\"a, \"\"quoted\"\"\nline\",x\nplain,y\n");
        Dataset d = DatasetReader.read(file, ColumnSpec.defaults());
        assertEquals("a, \"quoted\"\nline", d.examples().get(0).text());
        assertEquals(2, d.examples().get(0).line());
        assertEquals(4, d.examples().get(1).line());
    }

    @Test
    void tsvWithTextPair() throws IOException {
        Path file = write("p.tsv", "premise\thypothesis\tscore\nA man.\tA person.\t4.5\n");
        Example e = DatasetReader.read(file, new ColumnSpec("premise", "hypothesis", "score")).examples().get(0);
        assertEquals("A man.", e.text());
        assertEquals("A person.", e.textPair());
        assertArrayEquals(new double[] {4.5},
                NumericLabels.of(DatasetReader.read(file, new ColumnSpec("premise", null, "score"))));
    }

    @Test
    void unlabeledReadingLeavesLabelNull() throws IOException {
        Path file = write("u.jsonl", "{\"text\": \"hi\"}\n");
        assertNull(DatasetReader.read(file, new ColumnSpec("text", null, null)).examples().get(0).label());
    }

    @Test
    void missingColumnNamesFileLineAndColumn() throws IOException {
        Path file = write("m.csv", "body,label\nhello,x\n");
        DatasetException e = fails(file, ColumnSpec.defaults());
        assertEquals(1, e.line());
        assertTrue(e.getMessage().startsWith(file + ":1: missing column 'text'"), e.getMessage());
        Path jsonl = write("m.jsonl", "{\"text\": \"a\", \"label\": \"x\"}\n{\"text\": \"b\"}\n");
        assertEquals(jsonl + ":2: missing key 'label'", fails(jsonl, ColumnSpec.defaults()).getMessage());
    }

    @Test
    void emptyAndMalformedRows() throws IOException {
        assertEquals(3, fails(write("e.csv", "text,label\na,x\n\nb,y\n"), ColumnSpec.defaults()).line());
        DatasetException blank = fails(write("b.csv", "text,label\na,x\n  ,y\n"), ColumnSpec.defaults());
        assertTrue(blank.getMessage().endsWith(":3: empty value in column 'text'"), blank.getMessage());
        DatasetException fields = fails(write("f.csv", "text,label\na,x,extra\n"), ColumnSpec.defaults());
        assertTrue(fields.getMessage().endsWith(":2: malformed row: expected 2 fields, found 3"));
        assertTrue(fails(write("q.csv", "text,label\n\"a\"b,x\n"), ColumnSpec.defaults()).getMessage()
                .contains("malformed CSV"));
        DatasetException json = fails(write("j.jsonl", "{\"text\": \"a\", \"label\": 1}\n{oops\n"),
                ColumnSpec.defaults());
        assertEquals(2, json.line());
        assertTrue(json.getMessage().contains("malformed JSON"));
        assertEquals(1, fails(write("l.jsonl", "[1, 2]\n"), ColumnSpec.defaults()).line());
    }

    @Test
    void emptyFileAndHeaderOnly() throws IOException {
        assertTrue(fails(write("empty.csv", ""), ColumnSpec.defaults()).getMessage().endsWith("file is empty"));
        assertTrue(fails(write("h.csv", "text,label\n"), ColumnSpec.defaults()).getMessage().endsWith("no rows"));
    }

    @Test
    void wrongEncodingReportsLineOfFirstBadByte() throws IOException {
        Path file = dir.resolve("latin1.csv");
        Files.write(file, "text,label\ncaf\u00e9,x\n".getBytes(StandardCharsets.ISO_8859_1));
        DatasetException e = fails(file, ColumnSpec.defaults());
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("not valid UTF-8 (byte 0xE9"), e.getMessage());
    }

    @Test
    void byteOrderMarkIsIgnored() throws IOException {
        Path file = write("bom.csv", "\uFEFFtext,label\nhi,x\n");
        assertEquals("hi", DatasetReader.read(file, ColumnSpec.defaults()).examples().get(0).text());
    }

    @Test
    void unknownExtension() {
        assertThrows(DatasetException.class, () -> DataFormat.fromPath(Path.of("data.xlsx")));
    }
}
