package dev.cmdimage.cli;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The command line's slf4j binding: the library's diagnostics go to the running command's stderr, through its
 * {@link StderrReporter} (escaped, and between the status lines of a terminal), while {@code --verbose} asks for them
 * ({@link #to}); otherwise nothing is logged, as with slf4j-nop. DEBUG and up from cmdimage's own loggers, WARN and
 * up from the others (docker-java's DEBUG is the wire protocol). Registered in
 * {@code META-INF/services/org.slf4j.spi.SLF4JServiceProvider}.
 */
public final class StderrLogging implements SLF4JServiceProvider {
    /** Where lines go now; {@code null} when nobody asked. One command runs per JVM, so one sink is enough. */
    private static volatile Consumer<String> sink;

    private final ILoggerFactory loggers = new Loggers();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    /** Created by slf4j's service loader. */
    public StderrLogging() {}

    /**
     * Sends diagnostics to {@code lines} until the returned handle is closed.
     *
     * @param lines receives each message, {@code <logger>: <message>}, with the exception's text appended
     */
    static Registration to(Consumer<String> lines) {
        Consumer<String> mine = Objects.requireNonNull(lines, "lines");
        sink = mine;
        return () -> {
            if (sink == mine) {
                sink = null;
            }
        };
    }

    /** Stops sending diagnostics to the sink it was returned for. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        // nothing to set up
    }

    /** One logger per name. */
    private static final class Loggers implements ILoggerFactory {
        private final ConcurrentMap<String, Logger> byName = new ConcurrentHashMap<>();

        @Override
        public Logger getLogger(String name) {
            return byName.computeIfAbsent(name, StderrLogger::new);
        }
    }

    /** Hands what is enabled to the sink. */
    private static final class StderrLogger extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;
        private final Level threshold;
        private final String shortName;

        StderrLogger(String name) {
            this.name = name;
            this.threshold = name.startsWith("dev.cmdimage.") ? Level.DEBUG : Level.WARN;
            this.shortName = name.substring(name.lastIndexOf('.') + 1);
        }

        private boolean enabled(Level level) {
            return sink != null && level.toInt() >= threshold.toInt();
        }

        @Override
        public boolean isTraceEnabled() {
            return enabled(Level.TRACE);
        }

        @Override
        public boolean isDebugEnabled() {
            return enabled(Level.DEBUG);
        }

        @Override
        public boolean isInfoEnabled() {
            return enabled(Level.INFO);
        }

        @Override
        public boolean isWarnEnabled() {
            return enabled(Level.WARN);
        }

        @Override
        public boolean isErrorEnabled() {
            return enabled(Level.ERROR);
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String messagePattern,
                Object[] arguments, Throwable throwable) {
            Consumer<String> to = sink;
            if (to == null || !enabled(level)) {
                return;
            }
            String message = MessageFormatter.basicArrayFormat(messagePattern, arguments);
            to.accept((level == Level.DEBUG || level == Level.TRACE ? "" : level + " ") + shortName + ": " + message
                    + (throwable == null ? "" : ": " + throwable));
        }
    }
}
