package dev.cmdimage.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.RegistryHosting;
import dev.cmdimage.core.internal.registry.RefRewriter;
import dev.cmdimage.core.internal.registry.RefSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RefRewriterTest {

    @ParameterizedTest(name = "host {0} + ref {1} -> {2}")
    @CsvSource({
            // Tilt's own table (internal/container/registry_test.go)
            "myreg.com, gcr.io/foo/bar, myreg.com/gcr.io_foo_bar",
            "myreg.com, gcr.io/foo/bar:deadbeef, myreg.com/gcr.io_foo_bar",
            // (Tilt's table writes this host as aws_account_id.dkr..., which is not a valid domain for ImageRef)
            "123456789012.dkr.ecr.region.amazonaws.com/bar, gcr.io/baz/foo/bar, 123456789012.dkr.ecr.region.amazonaws.com/bar/gcr.io_baz_foo_bar",
            "gcr.io/foo, docker.io/library/busybox, gcr.io/foo/busybox",
            "gcr.io/foo, bar, gcr.io/foo/bar",
            "myreg.com, myreg.com/bar, myreg.com/bar",
            "myreg.com:5000, myreg.com:5000/bar, myreg.com:5000/bar",
            "myreg.com:5000, myreg.com/bar, myreg.com:5000/myreg.com_bar",
            "myreg.com, myreg.com:5000/bar, myreg.com/myreg.com_5000_bar",
            // ours
            "localhost:5000, app, localhost:5000/app",
            "localhost:5000, library/app:1.0, localhost:5000/app",
            "localhost:5000, someuser/app, localhost:5000/someuser_app",
            "123456789012.dkr.ecr.us-west-2.amazonaws.com/team, app, 123456789012.dkr.ecr.us-west-2.amazonaws.com/team/app",
            "gcr.io/my-project, gcr.io/my-project/app:v1, gcr.io/my-project/app",
    })
    void localRefTable(String host, String ref, String expected) {
        RefSet refs = RefRewriter.refSet(ImageRef.parse(ref), RegistryHosting.of(host));
        assertThat(refs.local().familiarString()).isEqualTo(expected);
        assertThat(refs.cluster().familiarString()).isEqualTo(expected);
        assertThat(refs.singleName()).isFalse();
    }

    @ParameterizedTest(name = "host {0}, runtime {1} + ref {2} -> {3} / {4}")
    @CsvSource({
            // Tilt's table
            "myreg.com, '', gcr.io/foo/bar, myreg.com/gcr.io_foo_bar, myreg.com/gcr.io_foo_bar",
            "myreg.com, myreg.com, gcr.io/foo/bar, myreg.com/gcr.io_foo_bar, myreg.com/gcr.io_foo_bar",
            "localhost:1234, registry:1234, gcr.io/foo/bar, localhost:1234/gcr.io_foo_bar, registry:1234/gcr.io_foo_bar",
            // beyond Tilt: a ref already under either host keeps its path and gets each view's host
            "localhost:1234, registry:1234, localhost:1234/app, localhost:1234/app, registry:1234/app",
            "localhost:1234, registry:1234, registry:1234/app, localhost:1234/app, registry:1234/app",
            "localhost:1234, registry:1234, registry:1234/team/app:v2, localhost:1234/team/app, registry:1234/team/app",
    })
    void clusterRefTable(String host, String runtimeHost, String ref, String local, String cluster) {
        RegistryHosting registry = new RegistryHosting(host, null, runtimeHost, null, null);
        RefSet refs = RefRewriter.refSet(ImageRef.parse(ref), registry);
        assertThat(refs.local().familiarString()).isEqualTo(local);
        assertThat(refs.cluster().familiarString()).isEqualTo(cluster);
    }

    @Test
    void noRegistryKeepsTheRefWithoutItsTag() {
        RefSet refs = RefRewriter.refSet(ImageRef.parse("gcr.io/foo/bar:deadbeef"), null);
        assertThat(refs.local().familiarString()).isEqualTo("gcr.io/foo/bar");
        assertThat(refs.cluster().familiarString()).isEqualTo("gcr.io/foo/bar");

        RefSet noHost = RefRewriter.refSet(ImageRef.parse("busybox:1.36"), new RegistryHosting(null, null, null, null, null));
        assertThat(noHost.local().familiarString()).isEqualTo("busybox");
    }

    @Test
    void singleNameUsesTheOneNameAndPrefixesTagsWithTheEscapedName() {
        RegistryHosting ecr = new RegistryHosting("123.dkr.ecr.us-west-2.amazonaws.com", null,
                "ecr.internal:443", null, "repo");
        RefSet refs = RefRewriter.refSet(ImageRef.parse("gcr.io/foo/bar:old"), ecr);
        assertThat(refs.singleName()).isTrue();
        assertThat(refs.local().familiarString()).isEqualTo("123.dkr.ecr.us-west-2.amazonaws.com/repo");
        assertThat(refs.cluster().familiarString()).isEqualTo("ecr.internal:443/repo");
        assertThat(refs.tagged("tilt-build-1").local().familiarString())
                .isEqualTo("123.dkr.ecr.us-west-2.amazonaws.com/repo:gcr.io_foo_bar-tilt-build-1");
        assertThat(refs.tagged("tilt-build-1").cluster().familiarString())
                .isEqualTo("ecr.internal:443/repo:gcr.io_foo_bar-tilt-build-1");
    }

    @Test
    void singleNameDoesNotApplyToARefAlreadyUnderTheHost() {
        RegistryHosting registry = new RegistryHosting("myreg.com", null, null, null, "repo");
        RefSet refs = RefRewriter.refSet(ImageRef.parse("myreg.com/app"), registry);
        assertThat(refs.singleName()).isFalse();
        assertThat(refs.tagged("t1").local().familiarString()).isEqualTo("myreg.com/app:t1");
    }

    @Test
    void aTagTooLongForTheSingleNamePrefixIsAClearError() {
        RegistryHosting registry = new RegistryHosting("myreg.com", null, null, null, "repo");
        RefSet refs = RefRewriter.refSet(ImageRef.parse("a".repeat(120)), registry);
        assertThatThrownBy(() -> refs.tagged("tilt-build-1795719470"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cannot tag myreg.com/repo as \"" + "a".repeat(120) + "-tilt-build-1795719470\"");
    }

    @Test
    void aRewrittenNameThatIsNotAValidRefNamesTheRegistry() {
        assertThatThrownBy(() -> RefRewriter.refSet(ImageRef.parse("app"), RegistryHosting.of("bad host")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Error parsing bad host/app after applying registry bad host: ");
    }

    @ParameterizedTest(name = "ref file {2} under host {0} (runtime {1}) -> cluster {3}")
    @CsvSource({
            "localhost:5000, registry:5000, localhost:5000/app:v1, registry:5000/app:v1",
            "localhost:5000, registry:5000, localhost:5000/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef, registry:5000/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "localhost:5000, registry:5000, gcr.io/other/app:v1, gcr.io/other/app:v1",
            "localhost:5000, '', localhost:5000/app:v1, localhost:5000/app:v1",
    })
    void clusterRefOfARefFileRefReplacesTheHost(String host, String runtimeHost, String ref, String cluster) {
        RegistryHosting registry = new RegistryHosting(host, null, runtimeHost, null, null);
        assertThat(RefRewriter.clusterRefOf(ImageRef.parse(ref), registry).familiarString()).isEqualTo(cluster);
        assertThat(RefRewriter.clusterRefOf(ImageRef.parse(ref), null).familiarString()).isEqualTo(ref);
    }
}
