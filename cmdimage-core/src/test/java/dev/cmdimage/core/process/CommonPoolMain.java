package dev.cmdimage.core.process;

import dev.cmdimage.core.JdkProcessRunner;
import dev.cmdimage.spi.Cancellation;
import dev.cmdimage.spi.ProcessResult;
import dev.cmdimage.spi.ProcessSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;

/**
 * A host whose common pool is full of blocking work (as an IDE's or a build tool's can be) runs {@code true} through
 * the runner and prints how it ended and after how long: {@code RESULT <termination> <exit> <millis>}. Run it with
 * {@code -Djava.util.concurrent.ForkJoinPool.common.parallelism=4} (on a machine with few cores the JDK would
 * otherwise not use the pool at all).
 */
public final class CommonPoolMain {
    private CommonPoolMain() {}

    public static void main(String[] args) throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        int n = ForkJoinPool.getCommonPoolParallelism() * 2;
        for (int i = 0; i < n; i++) {
            ForkJoinPool.commonPool().execute(() -> {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        Thread.sleep(200); // the pool's workers are busy now
        try (JdkProcessRunner runner = JdkProcessRunner.builder().build()) {
            long started = System.nanoTime();
            ProcessResult r = runner.run(new ProcessSpec(List.of("true"), Path.of("."), Map.copyOf(System.getenv()),
                    Duration.ofSeconds(10), Duration.ofSeconds(1)), (stream, line) -> { }, Cancellation.never());
            System.out.println("RESULT " + r.termination() + " " + r.exitCode() + " "
                    + (System.nanoTime() - started) / 1_000_000);
        }
        System.exit(0);
    }
}
