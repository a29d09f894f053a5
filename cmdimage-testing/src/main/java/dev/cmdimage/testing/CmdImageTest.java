package dev.cmdimage.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A JUnit 5 test of code that uses cmdimage: its test methods and {@code @BeforeEach} methods get these parameters
 * (one of each per test, shared by the two, closed after the test):
 * <ul>
 *   <li>{@link dev.cmdimage.api.CmdImageBuilder}: cmdimage's own builder ({@code CmdImages.builder()}), wired as
 *       {@link #store()} says;</li>
 *   <li>{@link FakeProcessRunner}: the builder's process runner (unless {@link #realProcesses()}); by default every
 *       run builds the expected image ({@link FakeProcessRunner.Script#tagsExpectedRef} with the fake store,
 *       {@link FakeProcessRunner.Script#writesOciImage} with the OCI store); script it otherwise with
 *       {@link FakeProcessRunner#enqueue} or {@link FakeProcessRunner#defaultScript};</li>
 *   <li>{@link Store#FAKE}: {@link FakeImageStore} and {@link FakeRegistryPusher}, the builder's store and pusher;</li>
 *   <li>{@link Store#OCI}: {@link dev.cmdimage.core.OciLayoutStore} on a new temporary directory (deleted after the
 *       test) and a started {@link TestRegistry}, which the builder's {@code RegistryHttpPusher} pushes to over plain
 *       HTTP (with {@link FakeCredentialsProvider} as its credentials);</li>
 *   <li>{@link TestClock} (the builder's clock, fixed at {@link TestClock#DEFAULT_START}),
 *       {@link RecordingBuildListener} (a fresh one; pass it in a request), and {@link FakeCmdImageBuilder}.</li>
 * </ul>
 * After each test the extension closes the builders, the registry and the store's directory, and fails the test if a
 * thread of cmdimage's (named {@code cmdimage-*}, {@code fake-cmdimage-*}, {@code test-registry-*}) or a child
 * process of the JVM that was not there before the test is still alive (the processes are killed).
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(CmdImageExtension.class)
public @interface CmdImageTest {
    /** Which image store and pusher the injected builder uses. */
    Store store() default Store.FAKE;

    /**
     * Whether the injected builder runs real processes (its own {@code JdkProcessRunner}, closed with it) instead of
     * a {@link FakeProcessRunner}; then no {@link FakeProcessRunner} can be injected.
     */
    boolean realProcesses() default false;

    /** The image store and pusher of the injected builder. */
    enum Store {
        /** {@link FakeImageStore} and {@link FakeRegistryPusher}: nothing is written or sent anywhere. */
        FAKE,
        /**
         * The real thing without Docker: an {@code OciLayoutStore} in a temporary directory, and a
         * {@code RegistryHttpPusher} that pushes to a {@link TestRegistry} on a loopback port.
         */
        OCI
    }
}
