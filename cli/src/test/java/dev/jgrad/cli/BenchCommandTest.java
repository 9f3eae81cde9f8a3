package dev.jgrad.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Arguments and output shape of {@code jgrad bench}, on tiny sizes (timings are not checked). */
class BenchCommandTest {
    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = new CommandLine(new BenchCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private static final String[] QUICK = {"--warmup", "1", "--iters", "2", "--min-time-ms", "0", "--threads", "2"};

    private static String[] args(String... head) {
        String[] all = new String[head.length + QUICK.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(QUICK, 0, all, head.length, QUICK.length);
        return all;
    }

    @Test
    void everyKernelPrintsOneJsonObjectWithTheAgreedFields() throws Exception {
        String[][] cases = {
                {"gemm", "--n", "33"}, {"softmax", "--rows", "3", "--cols", "9"}, {"layernorm", "--rows", "3", "--cols", "9"},
                {"gelu", "--n", "100"}, {"copy", "--n", "100"}};
        for (String[] c : cases) {
            String[] a = new String[c.length + 1];
            System.arraycopy(c, 0, a, 0, c.length);
            a[c.length] = "--json";
            Result r = run(args(a));
            assertEquals(0, r.code, r.err);
            JsonNode j = new ObjectMapper().readTree(r.out);
            assertEquals(c[0], j.get("kernel").asText());
            assertEquals(2, j.get("threads").asInt());
            assertEquals(c[0].equals("gemm") ? "GFLOP/s" : "GB/s", j.get("unit").asText());
            for (String f : new String[] {"median", "min", "max"}) assertTrue(j.get(f).asDouble() > 0, f + " in " + r.out);
            assertTrue(j.get("min").asDouble() <= j.get("median").asDouble() && j.get("median").asDouble() <= j.get("max").asDouble());
            if (c[1].equals("--n")) assertEquals(Integer.parseInt(c[2]), j.get("n").asInt());
            else {
                assertEquals(3, j.get("rows").asInt());
                assertEquals(9, j.get("cols").asInt());
            }
        }
    }

    @Test
    void textOutputAndScalarBackend() {
        Result r = run(args("gemm", "--n", "8", "--backend", "scalar"));
        assertEquals(0, r.code, r.err);
        assertTrue(r.out.startsWith("gemm {n=8} threads=2 backend=cpu-scalar: median "), r.out);
        assertTrue(r.out.contains("GFLOP/s"), r.out);
    }

    @Test
    void profileOfAModelWorkloadListsItsKernels() throws Exception {
        // MultiheadAttention forward at seq 8: four projections and the two attention products per step
        Result r = run(args("mha", "--n", "8", "--profile", "--json"));
        assertEquals(0, r.code, r.err);
        JsonNode j = new ObjectMapper().readTree(r.out);
        JsonNode rows = j.get("profile");
        assertTrue(rows.isArray() && rows.size() > 0, r.out);
        double calls = 0, shares = 0;
        for (JsonNode row : rows) {
            assertTrue(row.get("ms").asDouble() >= 0 && row.get("share").asDouble() >= 0, row.toString());
            if (row.get("kernel").asText().contains("gemm")) {
                calls += row.get("calls").asDouble();
                assertTrue(row.has("gflops"), row.toString());
            }
            shares += row.get("share").asDouble();
        }
        // the q, k, v and out projections, then q·kᵀ and p·v: each one job of 16 products (batch rows) of H heads
        assertEquals(4 + 2, calls, 1e-9, "gemm calls per step in " + r.out);
        assertTrue(r.out.contains("16×gemm 4×[8×8×64] A·Bᵀ"), "q·kᵀ as one job of 16 products in " + r.out);
        assertTrue(shares <= 1.0 + 1e-3, "kernel shares add up to at most the step: " + shares);

        Result text = run(args("mha", "--n", "8", "--profile"));
        assertEquals(0, text.code, text.err);
        assertTrue(text.out.contains("where a step goes") && text.out.contains("(outside backend calls)"), text.out);
        Result kernel = run(args("gemm", "--n", "8", "--profile"));
        assertNotEquals(0, kernel.code);
        assertTrue(kernel.err.contains("--profile applies to the model workloads"), kernel.err);
    }

    @Test
    void badArgumentsAreClearErrors() {
        String[][] bad = {
                {"matmul"}, {"gemm", "--n", "0"}, {"gemm", "--rows", "3"}, {"softmax", "--n", "5"}, {"gelu", "--threads", "0"},
                {"copy", "--backend", "gpu"}, {"gemm", "--iters", "0"}, {"gemm", "--n", "abc"}, {}};
        for (String[] b : bad) {
            Result r = run(b);
            assertNotEquals(0, r.code, String.join(" ", b));
            assertTrue(r.err.length() > 0, "an error message for " + String.join(" ", b));
        }
        assertTrue(run("matmul").err.contains("unknown kernel 'matmul'"));
    }
}
