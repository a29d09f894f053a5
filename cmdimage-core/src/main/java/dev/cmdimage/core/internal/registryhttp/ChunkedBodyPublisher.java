package dev.cmdimage.core.internal.registryhttp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A request body read from a stream in large chunks (the JDK's {@code ofInputStream} uses 16 KiB ones, which costs
 * throughput on big blobs), honouring the HTTP client's demand, so memory stays bounded by a few chunks.
 */
public final class ChunkedBodyPublisher implements HttpRequest.BodyPublisher {
    static final int CHUNK = 256 * 1024;

    private final Supplier<InputStream> source;
    private final long length;

    /**
     * @param source opens the stream (once per subscription)
     * @param length the exact number of bytes the stream gives (sent as Content-Length)
     */
    public ChunkedBodyPublisher(Supplier<InputStream> source, long length) {
        this.source = source;
        this.length = length;
    }

    @Override
    public long contentLength() {
        return length;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        subscriber.onSubscribe(new Subscription(subscriber));
    }

    private final class Subscription implements Flow.Subscription {
        private final Flow.Subscriber<? super ByteBuffer> subscriber;
        private final AtomicLong demand = new AtomicLong();
        private final AtomicBoolean draining = new AtomicBoolean();
        private volatile boolean finished;
        private volatile InputStream in;

        Subscription(Flow.Subscriber<? super ByteBuffer> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                finish();
                subscriber.onError(new IllegalArgumentException("non-positive request " + n));
                return;
            }
            demand.getAndUpdate(d -> d + n < 0 ? Long.MAX_VALUE : d + n);
            drain();
        }

        @Override
        public void cancel() {
            finish();
        }

        private void drain() {
            while (!finished && demand.get() > 0 && draining.compareAndSet(false, true)) {
                try {
                    while (!finished && demand.get() > 0) {
                        ByteBuffer chunk = next();
                        if (chunk == null) {
                            if (finished) {
                                return; // cancelled while the source was being opened
                            }
                            finish();
                            subscriber.onComplete();
                            return;
                        }
                        demand.decrementAndGet();
                        subscriber.onNext(chunk);
                    }
                } catch (IOException | UncheckedIOException e) {
                    finish();
                    subscriber.onError(e instanceof UncheckedIOException ? ((UncheckedIOException) e).getCause() : e);
                    return;
                } finally {
                    draining.set(false);
                }
            }
        }

        /** The next chunk, or null at the end. */
        private ByteBuffer next() throws IOException {
            if (in == null) {
                in = source.get();
                if (finished) {
                    // cancel() ran while the source was being opened and may not have seen it: close it here
                    finish();
                    return null;
                }
            }
            byte[] buf = new byte[CHUNK];
            int filled = 0;
            while (filled < CHUNK) {
                int n = in.read(buf, filled, CHUNK - filled);
                if (n < 0) {
                    break;
                }
                filled += n;
            }
            return filled == 0 ? null : ByteBuffer.wrap(buf, 0, filled);
        }

        private void finish() {
            finished = true;
            InputStream s = in;
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // nothing to do
                }
            }
        }
    }
}
