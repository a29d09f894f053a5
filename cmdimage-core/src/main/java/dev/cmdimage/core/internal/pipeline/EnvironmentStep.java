package dev.cmdimage.core.internal.pipeline;

import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.ImageRef;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Step 4: the command's environment. Later layers win:
 * <ol>
 *   <li>the caller's base environment (by default the JVM's);</li>
 *   <li>the image store's {@link dev.cmdimage.spi.ImageStore#commandEnvironment()} ({@code DOCKER_HOST},
 *       {@code EXPECTED_OCI_LAYOUT}, ...): above the base environment, so the command writes into the store the
 *       build verifies against even when the JVM's environment points elsewhere; below {@code spec.env}, because
 *       an explicit per-image setting is the user's decision (it may break verification, and then the error says
 *       which store was searched);</li>
 *   <li>{@code spec.env};</li>
 *   <li>{@code EXPECTED_REF} (familiar form), {@code EXPECTED_IMAGE} (the path), {@code EXPECTED_TAG}, when there
 *       is an expected ref;</li>
 *   <li>{@code EXPECTED_REGISTRY} and {@code REGISTRY_HOST}, when there is a registry;</li>
 *   <li>{@code EXPECTED_PLATFORM=linux/<arch>} and {@code EXPECTED_ARCH}, when the cluster's architecture is known;</li>
 *   <li>{@code TILT_IMAGE_MAP_i=<name>} and {@code TILT_IMAGE_i=<its imageFromLocal>} for each {@code imageMaps[i]}.</li>
 * </ol>
 */
final class EnvironmentStep {
    Map<String, String> environment(Map<String, String> base, Map<String, String> storeEnvironment,
            CmdImageSpec spec, Expectation expectation, Resolution resolution) {
        Map<String, String> env = new LinkedHashMap<>(base);
        env.putAll(storeEnvironment);
        for (String entry : spec.env()) {
            int eq = entry.indexOf('=');
            env.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        if (expectation.expected() != null) {
            ImageRef expected = expectation.expected().local();
            env.put("EXPECTED_REF", expected.familiarString());
            env.put("EXPECTED_IMAGE", expected.path());
            env.put("EXPECTED_TAG", expected.tag());
        }
        if (resolution.registry() != null) {
            env.put("EXPECTED_REGISTRY", resolution.registry().host());
            env.put("REGISTRY_HOST", resolution.registry().host());
        }
        if (resolution.arch() != null) {
            env.put("EXPECTED_PLATFORM", "linux/" + resolution.arch());
            env.put("EXPECTED_ARCH", resolution.arch());
        }
        for (int i = 0; i < resolution.imageMaps().size(); i++) {
            Resolution.ResolvedImageMap map = resolution.imageMaps().get(i);
            env.put("TILT_IMAGE_MAP_" + i, map.name());
            env.put("TILT_IMAGE_" + i, map.imageFromLocal());
        }
        return env;
    }
}
