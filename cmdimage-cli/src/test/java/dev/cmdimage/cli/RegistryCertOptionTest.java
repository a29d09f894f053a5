package dev.cmdimage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryCertOptionTest {
    @TempDir
    Path tmp;

    @Test
    void hostEqualsCertCommaKey() {
        assertThat(RegistryCertOption.parse("registry.lan:5000=certs/client.cert,certs/client.key"))
                .isEqualTo(new RegistryCertOption("registry.lan:5000", "certs/client.cert", "certs/client.key"));
    }

    @Test
    void anythingElseIsRefusedShowingTheExpectedForm() {
        for (String bad : new String[] {"registry.lan", "registry.lan=client.cert", "=a,b", "registry.lan=,key",
                "registry.lan=cert,", "https://registry.lan/x=a,b"}) {
            assertThatThrownBy(() -> RegistryCertOption.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad.contains("/") ? "is not a registry host[:port]" : "is not HOST=CERT,KEY");
        }
    }

    @Test
    void aMalformedValueOnTheCommandLineIsAUsageError() {
        CliRun run = CliRun.run(tmp, "build", "--registry-cert", "registry.lan", "missing.yaml");

        assertThat(run.exit).isEqualTo(Main.USAGE);
        assertThat(run.err).contains("\"registry.lan\" is not HOST=CERT,KEY");
    }
}
