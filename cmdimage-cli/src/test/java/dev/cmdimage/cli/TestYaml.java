package dev.cmdimage.cli;

/** YAML documents for the tests. */
final class TestYaml {
    private TestYaml() {}

    /** A CmdImage document in {@code remote} mode (no image store needed) running {@code sh -c script}. */
    static String remote(String name, String script, String... extraSpecLines) {
        StringBuilder sb = new StringBuilder("""
                ---
                apiVersion: tilt.dev/v1alpha1
                kind: CmdImage
                metadata:
                  name: %s
                spec:
                  ref: %s
                  outputMode: remote
                  args: ["sh", "-c", %s]
                """.formatted(name, name, quote(script)));
        for (String line : extraSpecLines) {
            sb.append("  ").append(line).append('\n');
        }
        return sb.toString();
    }

    /** A YAML double-quoted string. */
    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
