package dev.cmdimage.core.internal.watch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code .dockerignore} rules relative to a base directory, as Docker reads them: {@code *} matches within one path
 * segment, {@code **} any number of segments, {@code ?} one character of a segment; a leading {@code !} re-includes
 * what an earlier rule excluded; a leading {@code /} (and {@code ./}) is the base directory itself; blank lines and
 * {@code #} comments are skipped. A rule that matches a directory matches everything under it; the last rule that
 * matches a path (or one of its parent directories) decides.
 */
public final class DockerIgnore {
    private final Path base;
    private final List<Rule> rules;

    private record Rule(Pattern pattern, boolean exclude) {}

    private DockerIgnore(Path base, List<Rule> rules) {
        this.base = base;
        this.rules = List.copyOf(rules);
    }

    /** The rules {@code patterns} (lines of a {@code .dockerignore}) relative to the absolute {@code base}. */
    public static DockerIgnore of(Path base, List<String> patterns) {
        List<Rule> rules = new ArrayList<>();
        for (String line : patterns) {
            String p = line.strip();
            if (p.isEmpty() || p.startsWith("#")) {
                continue;
            }
            boolean exclude = true;
            if (p.startsWith("!")) {
                exclude = false;
                p = p.substring(1).strip();
            }
            p = clean(p);
            if (p.isEmpty()) {
                continue;
            }
            rules.add(new Rule(Pattern.compile(toRegex(p)), exclude));
        }
        return new DockerIgnore(base.toAbsolutePath().normalize(), rules);
    }

    /** Whether there is no rule. */
    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** Whether {@code path} (absolute) is ignored: under the base directory and excluded by the last matching rule. */
    public boolean ignores(Path path) {
        if (rules.isEmpty() || !path.startsWith(base) || path.equals(base)) {
            return false;
        }
        String rel = base.relativize(path).toString().replace('\\', '/');
        boolean ignored = false;
        for (Rule r : rules) {
            if (r.exclude() == ignored) {
                continue; // cannot change the answer
            }
            if (matchesOrParent(r.pattern(), rel)) {
                ignored = r.exclude();
            }
        }
        return ignored;
    }

    private static boolean matchesOrParent(Pattern p, String rel) {
        if (p.matcher(rel).matches()) {
            return true;
        }
        for (int i = rel.lastIndexOf('/'); i > 0; i = rel.lastIndexOf('/', i - 1)) {
            if (p.matcher(rel.substring(0, i)).matches()) {
                return true;
            }
        }
        return false;
    }

    /** Docker cleans each rule like a path: no leading {@code /} or {@code ./}, no empty or {@code .} segments. */
    private static String clean(String p) {
        List<String> out = new ArrayList<>();
        for (String seg : p.replace('\\', '/').split("/")) {
            if (seg.isEmpty() || seg.equals(".")) {
                continue;
            }
            if (seg.equals("..") && !out.isEmpty() && !out.get(out.size() - 1).equals("..")) {
                out.remove(out.size() - 1);
            } else {
                out.add(seg);
            }
        }
        return String.join("/", out);
    }

    private static String toRegex(String p) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == '*') {
                if (i + 1 < p.length() && p.charAt(i + 1) == '*') {
                    i += 2;
                    if (i < p.length() && p.charAt(i) == '/') {
                        sb.append("(?:.*/)?"); // **/ : zero or more whole segments
                        i++;
                    } else {
                        sb.append(".*");
                    }
                    continue;
                }
                sb.append("[^/]*");
            } else if (c == '?') {
                sb.append("[^/]");
            } else {
                sb.append(Pattern.quote(String.valueOf(c)));
            }
            i++;
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "DockerIgnore[" + base + ", " + rules.size() + " rules]";
    }
}
