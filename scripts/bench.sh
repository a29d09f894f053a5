#!/usr/bin/env bash
# Runs cmdimage's benchmarks, each side by side with what a user would otherwise do, in one run:
#   docker      what the library adds to a build (verify + retag, push) vs the same steps with the docker CLI
#   oci         pushing a 256 MiB single-layer OCI image with RegistryHttpPusher vs skopeo copy
#   controller  1,000 CmdImages in a layered graph: build all (parallelism 1 and 8), settle after a root
#               change (rebuild count), controller overhead per build vs a plain ProcessBuilder loop
#   runner      the process runner's cost per command: 200 runs of true through JdkProcessRunner vs ProcessBuilder
#   watch       rebuilding on file changes: write -> build start latency, watching a 10,000-file tree, a burst of
#               1,000 writes in one second (one build), each vs a plain WatchService loop
# Usage: scripts/bench.sh [docker|oci|controller|runner|watch ...]   (default: all)
# The test services (a private dockerd and loopback registries) are started and stopped as in scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

which=("$@")
[ ${#which[@]} -gt 0 ] || which=(docker oci controller runner watch)

# shellcheck source=services.sh
source scripts/services.sh
services_start
trap services_stop EXIT

mvn -B -ntp -q -pl cmdimage-bench -am package -DskipTests
jar=cmdimage-bench/target/cmdimage-bench.jar

for b in "${which[@]}"; do
  echo "=== $b"
  case $b in
    docker) java -cp "$jar" dev.cmdimage.bench.docker.DockerOverheadBench 20 ;;
    oci) java -cp "$jar" dev.cmdimage.bench.oci.PushBenchmark "$CMDIMAGE_TEST_REGISTRY" 256 3 ;;
    controller) java -cp "$jar" dev.cmdimage.bench.controller.ControllerBenchmark ;;
    runner) java -cp "$jar" dev.cmdimage.bench.process.RunnerOverheadBench 200 ;;
    watch) java -cp "$jar" dev.cmdimage.bench.watch.FileWatchBench 100 30 ;;
    *) echo "unknown benchmark: $b (docker, oci, controller, runner, watch)" >&2; exit 2 ;;
  esac
done
