package dev.jgrad.cli;

import dev.jgrad.engine.StoragePool;
import dev.jgrad.engine.SystemInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code jgrad info}: what this process computes with. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Print the Java runtime, CPU backend and vector width, thread count and CUDA availability.")
public final class InfoCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Override
    public Integer call() {
        SystemInfo info = SystemInfo.current();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jgrad", info.jgradVersion());
        m.put("java", info.javaVersion());
        m.put("javaVendor", info.javaVendor());
        m.put("cpuBackend", info.cpuBackend());
        m.put("vectorSpecies", info.vectorSpecies());
        m.put("vectorBits", info.vectorBits());
        m.put("floatLanes", info.floatLanes());
        m.put("gemmTile", info.gemmTile());
        m.put("gemmBlocking", info.gemmBlocking());
        m.put("caches", info.caches());
        m.put("threads", info.threads());
        m.put("poolMb", info.poolMb());
        m.put("cuda", info.cudaAvailable());
        m.put("cudaReason", info.cudaAvailable() ? null : info.cudaReason());
        if (json) {
            System.out.println(Json.write(m));
        } else {
            System.out.printf("jgrad        %s%n", info.jgradVersion());
            System.out.printf("java         %s (%s)%n", info.javaVersion(), info.javaVendor());
            System.out.printf("cpu backend  %s%n", info.cpuBackend());
            System.out.printf("vector       %s%n", info.vectorBits() == 0 ? "scalar (Vector API off)"
                    : info.vectorSpecies() + ", " + info.vectorBits() + "-bit, " + info.floatLanes() + " float lanes");
            System.out.printf("gemm tile    %s%n", info.gemmTile());
            System.out.printf("gemm blocks  %s%n", info.gemmBlocking());
            System.out.printf("caches       %s%n", info.caches());
            System.out.printf("threads      %d%n", info.threads());
            System.out.printf("buffer pool  %s%n", info.poolMb() == 0 ? "off (-Djgrad.pool.mb=0)"
                    : info.poolMb() + " MB for consumed gradient buffers of >= " + StoragePool.MIN_FLOATS + " floats (-Djgrad.pool.mb)");
            System.out.printf("cuda         %s%n", info.cudaAvailable() ? "available" : "unavailable: " + info.cudaReason());
        }
        return 0;
    }
}
