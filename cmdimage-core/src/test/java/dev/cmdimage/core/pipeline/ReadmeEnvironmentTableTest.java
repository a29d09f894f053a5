package dev.cmdimage.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.ImageMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's table "The command's environment" lists exactly the variables a build sets, in the order they are
 * set (later ones win), so that it cannot drift from the pipeline.
 */
class ReadmeEnvironmentTableTest {
    private static final Path README = Path.of("..").toAbsolutePath().normalize().resolve("README.md");
    private static final Pattern VARIABLE = Pattern.compile("`([A-Z_]+(?:<i>)?)`");

    @TempDir
    Path dir;

    @Test
    void theTableNamesEveryVariableABuildSetsInTheOrderItSetsThem() throws Exception {
        Fixture f = new Fixture(dir);
        f.store.commandEnvironment(Map.of("EXPECTED_OCI_LAYOUT", "/layout"));
        ImageMap base = ImageMap.of("base", "base").withStatus(ImageMap.Status.of("base:tilt-1"));
        BuildRequest request = f.request(Fixture.spec("app").imageMaps("base").addEnv("GREETING", "hi").build())
                .cluster(Fixture.cluster("localhost:5000", null, "arm64")).imageMap(base).build();

        f.builder().build(request);

        List<String> set = new ArrayList<>();
        for (String key : f.runner.lastRun().environment().keySet()) {
            if (!Fixture.BASE_ENV.containsKey(key) && !key.equals("EXPECTED_OCI_LAYOUT") && !key.equals("GREETING")) {
                set.add(key.replaceFirst("_0$", "_<i>"));
            }
        }
        assertThat(tableVariables()).containsExactlyElementsOf(set);
    }

    /** The backquoted upper-case names of the table's first column, in table order. */
    private static List<String> tableVariables() throws IOException {
        String readme = Files.readString(README);
        int from = readme.indexOf("### The command's environment");
        String section = readme.substring(from, readme.indexOf("\n## ", from));
        Set<String> names = new LinkedHashSet<>();
        for (String line : section.lines().toList()) {
            if (!line.startsWith("| ") || line.startsWith("| Variable") || line.startsWith("|---")) {
                continue;
            }
            String firstColumn = line.substring(2, line.indexOf(" |", 2));
            Matcher m = VARIABLE.matcher(firstColumn);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return new ArrayList<>(names);
    }
}
