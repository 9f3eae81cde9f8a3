#!/usr/bin/env bash
# Builds .bundle/: everything benchmarks/gpu-check.sh needs on a GPU machine that has no Java, Maven or registry.
#
#   benchmarks/gpu-bundle.sh        (here, with Maven and a JDK 17; no GPU needed)
#
#   .bundle/jgrad-gpu.jar      engine + its test classes + JCuda (driver JNI library only)
#   .bundle/junit-console.jar  the JUnit console launcher (tests run without Maven)
#   .bundle/jre/               a jlinked runtime with jdk.incubator.vector (~36 MB)
#   .bundle/run-tests.sh       runs the CUDA test suite with them
# Nothing here is added to the product's dependencies: the launcher comes through `mvn dependency:copy`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/.bundle"
junit_platform="${JUNIT_PLATFORM_VERSION:-1.14.1}"   # the platform release that goes with JUnit Jupiter 5.14.1
jcuda="12.0.0"
cd "$root"
rm -rf "$out" && mkdir -p "$out"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

echo "== building the engine and its tests"
mvn -B -q -pl engine -DskipTests package
mvn -B -q -pl engine test-compile

echo "== fetching the JUnit console launcher and JCuda"
mvn -B -q dependency:copy -Dartifact="org.junit.platform:junit-platform-console-standalone:$junit_platform:jar" \
    -DoutputDirectory="$stage/deps" -Dmdep.stripVersion=true
mvn -B -q dependency:copy -Dartifact="org.jcuda:jcuda:$jcuda:jar" -DoutputDirectory="$stage/deps"
mvn -B -q dependency:copy -Dartifact="org.jcuda:jcuda-natives:$jcuda:jar:linux-x86_64" -DoutputDirectory="$stage/deps"
cp "$stage/deps/junit-platform-console-standalone.jar" "$out/junit-console.jar"

echo "== assembling jgrad-gpu.jar"
mkdir -p "$stage/jar"
(cd "$stage/jar" && unzip -q -o "$root"/engine/target/jgrad-engine-*[0-9T].jar \
    && unzip -q -o "$stage/deps/jcuda-$jcuda.jar" -x 'META-INF/*' \
    && unzip -q -o "$stage/deps/jcuda-natives-$jcuda-linux-x86_64.jar" "lib/libJCudaDriver-*" )
# Only the driver API's JNI library: the runtime, NVRTC and PTX-compiler ones (24 MB) are never loaded.
cp -r "$root/engine/target/test-classes/." "$stage/jar/"
rm -f "$stage/jar/META-INF/MANIFEST.MF"
jar --create --file "$out/jgrad-gpu.jar" -C "$stage/jar" .

echo "== jlinking a runtime"
jlink --add-modules java.base,jdk.incubator.vector,jdk.unsupported,java.logging,java.management,java.xml,jdk.management,jdk.zipfs \
      --strip-debug --no-header-files --no-man-pages --compress=2 --output "$out/jre"

cat > "$out/run-tests.sh" <<'RUN'
#!/usr/bin/env bash
# Runs jgrad's CUDA tests (package dev.jgrad.engine.backend.cuda) with the bundled runtime.
here="$(cd "$(dirname "$0")" && pwd)"
exec "$here/jre/bin/java" --add-modules jdk.incubator.vector -Xss4m -Xmx8g -jar "$here/junit-console.jar" execute \
    --class-path "$here/jgrad-gpu.jar" --select-package dev.jgrad.engine.backend.cuda \
    --details=tree --disable-banner "$@"
RUN
chmod +x "$out/run-tests.sh"
du -sh "$out"/* "$out"
