package dev.cmdimage.testing;

import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.core.CmdImages;
import dev.cmdimage.core.OciLayoutStore;
import dev.cmdimage.core.RegistryHttpPusher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link CmdImageTest} (registered by it; not used directly): makes the parameters it
 * lists, closes them after each test and checks that nothing of cmdimage's was left running.
 */
public final class CmdImageExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
            CmdImageExtension.class);
    private static final Set<Class<?>> TYPES = Set.of(CmdImageBuilder.class, FakeProcessRunner.class,
            FakeImageStore.class, FakeRegistryPusher.class, FakeCredentialsProvider.class, TestClock.class,
            RecordingBuildListener.class, FakeCmdImageBuilder.class, TestRegistry.class, OciLayoutStore.class);

    /** Made by JUnit. */
    public CmdImageExtension() {}

    @Override
    public void beforeEach(ExtensionContext context) {
        fixture(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        // methods only: a constructor parameter would be made once for the class (its extension context)
        return parameter.getDeclaringExecutable() instanceof Method && context.getTestMethod().isPresent()
                && TYPES.contains(parameter.getParameter().getType());
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        Fixture f = fixture(context);
        Object value = f.get(type);
        if (value == null) {
            throw new ParameterResolutionException("@CmdImageTest(store = " + f.config.store() + ", realProcesses = "
                    + f.config.realProcesses() + ") has no " + type.getSimpleName() + " to inject"
                    + (type == FakeProcessRunner.class ? " (the builder runs real processes)"
                    : " (it comes with the other store)"));
        }
        return value;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Fixture f = context.getStore(NAMESPACE).remove(Fixture.class, Fixture.class);
        if (f != null) {
            f.close();
        }
    }

    /** The test's fixture, made on first use ({@code beforeEach}, or a parameter of a {@code @BeforeEach} method). */
    private static Fixture fixture(ExtensionContext context) {
        return context.getStore(NAMESPACE).getOrComputeIfAbsent(Fixture.class,
                k -> new Fixture(config(context.getRequiredTestClass())), Fixture.class);
    }

    /** The annotation on the test class, or on a class enclosing a {@code @Nested} one. */
    private static CmdImageTest config(Class<?> testClass) {
        for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
            var found = AnnotationSupport.findAnnotation(c, CmdImageTest.class);
            if (found.isPresent()) {
                return found.get();
            }
        }
        throw new IllegalStateException("CmdImageExtension is registered by @CmdImageTest on the test class, but "
                + testClass.getName() + " has none");
    }

    /** Everything one test gets. */
    private static final class Fixture {
        final CmdImageTest config;
        final LeakCheck leaks = LeakCheck.snapshot();
        final TestClock clock = TestClock.fixed();
        final RecordingBuildListener listener = new RecordingBuildListener();
        final FakeCmdImageBuilder fakeBuilder = new FakeCmdImageBuilder(clock);
        final FakeCredentialsProvider credentials = new FakeCredentialsProvider();
        final @Nullable FakeImageStore fakeStore;
        final @Nullable FakeRegistryPusher fakePusher;
        final @Nullable Path layoutDir;
        final @Nullable OciLayoutStore ociStore;
        final @Nullable TestRegistry registry;
        final @Nullable FakeProcessRunner runner;
        final CmdImageBuilder builder;

        Fixture(CmdImageTest config) {
            this.config = config;
            CmdImages.Builder b = CmdImages.builder().clock(clock);
            if (config.store() == CmdImageTest.Store.FAKE) {
                fakeStore = new FakeImageStore();
                fakePusher = new FakeRegistryPusher();
                layoutDir = null;
                ociStore = null;
                registry = null;
                runner = config.realProcesses() ? null : FakeProcessRunner.building(fakeStore);
                b.imageStore(fakeStore).registryPusher(fakePusher);
            } else {
                fakeStore = null;
                fakePusher = null;
                try {
                    layoutDir = Files.createTempDirectory("cmdimage-test-oci-");
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot make a temporary directory for the OCI layout", e);
                }
                ociStore = new OciLayoutStore(layoutDir);
                registry = new TestRegistry().start();
                runner = config.realProcesses() ? null
                        : new FakeProcessRunner(FakeProcessRunner.Script.writesOciImage("hello from cmdimage-testing"));
                b.imageStore(ociStore).registryPusher(RegistryHttpPusher.builder(ociStore).credentials(credentials)
                        .plainHttpHosts(Set.of(registry.host())).build());
            }
            if (runner != null) {
                b.processRunner(runner);
            }
            builder = b.build();
        }

        @Nullable Object get(Class<?> type) {
            if (type == CmdImageBuilder.class) {
                return builder;
            } else if (type == FakeProcessRunner.class) {
                return runner;
            } else if (type == FakeImageStore.class) {
                return fakeStore;
            } else if (type == FakeRegistryPusher.class) {
                return fakePusher;
            } else if (type == FakeCredentialsProvider.class) {
                return ociStore == null ? null : credentials;
            } else if (type == TestClock.class) {
                return clock;
            } else if (type == RecordingBuildListener.class) {
                return listener;
            } else if (type == FakeCmdImageBuilder.class) {
                return fakeBuilder;
            } else if (type == TestRegistry.class) {
                return registry;
            } else if (type == OciLayoutStore.class) {
                return ociStore;
            }
            return null;
        }

        void close() throws IOException {
            builder.close();
            fakeBuilder.close();
            if (registry != null) {
                registry.close();
            }
            if (layoutDir != null) {
                deleteTree(layoutDir);
            }
            List<String> left = leaks.leftBehind();
            if (!left.isEmpty()) {
                throw new AssertionError("@CmdImageTest: left behind after the test and the close of its builders: "
                        + left.stream().collect(Collectors.joining(", ")));
            }
        }
    }

    /** Deletes the temporary directory the extension made (and only that). */
    private static void deleteTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, @Nullable IOException e) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
