#!/usr/bin/env bash
# Runs cmdimage's benchmarks, each side by side with what a user would otherwise do, in one run:
#   docker      what the library adds to a build (verify + retag, push) vs the same steps with the docker CLI and
#               (verify + retag) with docker-java directly, the floor
#   oci         pushing a 256 MiB single-layer OCI image with RegistryHttpPusher (in a -Xmx32m JVM) vs skopeo copy,
#               5 rounds each, alternating
#   controller  1,000 CmdImages in a layered graph: build all (parallelism 1 and 8), settle after a root
#               change (rebuild count), controller overhead per build vs a plain ProcessBuilder loop
#   runner      the process runner's cost per command: 200 runs of true through JdkProcessRunner vs ProcessBuilder
#   watch       rebuilding on file changes: write -> build start latency, watching a 10,000-file tree, a burst of
#               1,000 writes in one second (one build), each vs a plain WatchService loop
#   cli         fresh `bin/cmdimage validate|build examples/hello-oci/cmdimage.yaml` (the launcher: class data
#               sharing archive recorded by its first run, reported) and the same as `java -jar
#               cmdimage-cli/target/cmdimage.jar` (build into a temporary OCI layout) vs `java -version`, medians of 10
#   codec       the first CmdImageCodec read in a fresh plain `java -cp` JVM (cmdimage-core and its dependencies)
# Usage: scripts/bench.sh [docker|oci|controller|runner|watch|cli|codec ...]   (default: all)
# Ends with one line per measure of issue 15, `RESULT <key> <value>` (plain decimals in the key's unit), in the
# order below, for the benchmarks that ran. It is a benchmark: it fails only when a harness fails, never on a figure.
# The test services (a private dockerd and loopback registries) are started and stopped as in scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

which=("$@")
[ ${#which[@]} -gt 0 ] || which=(docker oci controller runner watch cli codec)

# shellcheck source=services.sh
source scripts/services.sh
services_start
trap services_stop EXIT

# cmdimage-cli for the cli benchmark; each module's runtime class path (target/runtime.classpath) for codec
mvn -B -ntp -q -pl cmdimage-bench,cmdimage-cli -am package dependency:build-classpath -DskipTests \
  -Dmdep.outputFile=target/runtime.classpath -DincludeScope=runtime
jar=cmdimage-bench/target/cmdimage-bench.jar
core_cp="$(ls cmdimage-core/target/cmdimage-core-*.jar | grep -v -e sources -e javadoc -e tests | head -1)"
core_cp="$core_cp:$(cat cmdimage-core/target/runtime.classpath):cmdimage-bench/target/classes"

log="$(mktemp)"
trap 'rm -f "$log"; services_stop' EXIT
start=$(date +%s)
for b in "${which[@]}"; do
  echo "=== $b"
  case $b in
    docker) java -cp "$jar" dev.cmdimage.bench.docker.DockerOverheadBench 20 ;;
    oci) java -cp "$jar" dev.cmdimage.bench.oci.PushBenchmark "$CMDIMAGE_TEST_REGISTRY" 256 5 ;;
    controller) java -cp "$jar" dev.cmdimage.bench.controller.ControllerBenchmark ;;
    runner) java -cp "$jar" dev.cmdimage.bench.process.RunnerOverheadBench 200 ;;
    watch) java -cp "$jar" dev.cmdimage.bench.watch.FileWatchBench 100 30 ;;
    cli) java -cp "$jar" dev.cmdimage.bench.cli.CliStartupBench 10 ;;
    codec) java -cp "$jar" dev.cmdimage.bench.codec.CodecFirstReadBench "$core_cp" 10 ;;
    *) echo "unknown benchmark: $b (docker, oci, controller, runner, watch, cli, codec)" >&2; exit 2 ;;
  esac | tee -a "$log"
done

echo "=== summary ($(( $(date +%s) - start )) s; $(nproc) processors; $(date -u +%Y-%m-%dT%H:%MZ))"
for key in oci_push_wall_ratio oci_push_peak_rss_mib build_overhead_ms verify_retag_floor_ratio \
  cli_validate_jvm_ratio cli_build_jvm_ratio codec_first_read_ms; do
  grep -E "^RESULT $key [0-9.]+$" "$log" | tail -1 || true
done
