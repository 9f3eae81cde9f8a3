package dev.jgrad.cli;

import dev.jgrad.nn.io.SafeTensors;
import dev.jgrad.nn.io.SafeTensorsFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code jgrad inspect FILE [--json]}: the tensors (name, dtype, shape), total parameter count and metadata of a
 * safetensors file, read from its header alone (no tensor data is loaded, so it is instant on large files).
 * A malformed or missing file prints {@code jgrad inspect: FILE: problem} on stderr and exits with 1.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show the tensor names, dtypes, shapes, parameter count and metadata of a safetensors file.")
public final class InspectCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "A .safetensors file.")
    Path file;

    @Option(names = "--json", description = "Print {\"tensors\":[{\"name\",\"dtype\",\"shape\"}...],\"parameters\":N,\"metadata\":{...}}.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        try (SafeTensorsFile f = SafeTensors.open(file)) {
            if (json) printJson(f, out);
            else printText(f, out);
            out.flush();
            return 0;
        } catch (IOException e) {
            err.println("jgrad inspect: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    private static void printJson(SafeTensorsFile f, PrintWriter out) throws IOException {
        List<Map<String, Object>> tensors = new ArrayList<>();
        for (SafeTensorsFile.Entry e : f.entries().values()) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("name", e.name());
            t.put("dtype", e.dtype().name());
            t.put("shape", e.shape());
            tensors.add(t);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("tensors", tensors);
        doc.put("parameters", f.parameterCount());
        doc.put("metadata", f.metadata());
        out.println(Json.write(doc)); // one object on one line, like every --json
    }

    private static void printText(SafeTensorsFile f, PrintWriter out) {
        int nameWidth = 4;
        for (String n : f.entries().keySet()) nameWidth = Math.max(nameWidth, n.length());
        out.println(f.path());
        out.printf("  %-" + nameWidth + "s  %-5s  %s%n", "name", "dtype", "shape");
        for (SafeTensorsFile.Entry e : f.entries().values()) {
            out.printf("  %-" + nameWidth + "s  %-5s  %s%n", e.name(), e.dtype().name(), Arrays.toString(e.shape()));
        }
        out.printf("%d tensors, %,d parameters%n", f.entries().size(), f.parameterCount());
        if (!f.metadata().isEmpty()) {
            out.println("metadata:");
            f.metadata().forEach((k, v) -> out.println("  " + k + ": " + v));
        }
    }
}
