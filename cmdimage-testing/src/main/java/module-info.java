/**
 * The test kit for code that uses cmdimage, meant for {@code <scope>test</scope>}: fakes of the SPIs
 * ({@code FakeProcessRunner}, {@code FakeImageStore}, {@code FakeRegistryPusher}, {@code FakeCredentialsProvider}),
 * {@code RecordingBuildListener}, {@code TestClock}, {@code FakeCmdImageBuilder} and {@code BuildOutcomes} for
 * testing code that uses a builder, {@code TestRegistry} (an OCI registry on a loopback port), the JUnit 5 extension
 * {@code @CmdImageTest} and the conditions {@code @RequiresDocker} and {@code @RequiresRegistry}. Everything but the
 * extension and the conditions works without JUnit.
 */
module dev.cmdimage.testing {
    requires transitive dev.cmdimage.core;
    requires com.fasterxml.jackson.databind;
    requires jdk.httpserver;
    // the extension and the conditions only: the fakes and the registry are usable without JUnit
    requires static transitive org.junit.jupiter.api;
    requires static org.jspecify;

    exports dev.cmdimage.testing;
}
