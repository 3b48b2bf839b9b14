package dev.cutover;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares rendered plans with the golden files under {@code src/test/resources/golden/}. Run with
 * {@code -Dgolden.update=true} to rewrite the files from the current output (then review the git
 * diff before committing).
 */
final class PlanGolden {

    static final String UPDATE_PROPERTY = "golden.update";

    private PlanGolden() {
    }

    static Path dir() {
        return Path.of(System.getProperty("basedir", ".")).resolve("src/test/resources/golden");
    }

    static void assertMatches(String name, String actual) {
        Path file = dir().resolve(name);
        try {
            if (Boolean.getBoolean(UPDATE_PROPERTY)) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, actual, StandardCharsets.UTF_8);
                return;
            }
            if (!Files.exists(file)) {
                fail("golden file " + file + " does not exist; create it with\n  " + command() + "\nthis output:\n" + actual);
            }
            String expected = Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\n");
            if (!expected.equals(actual)) {
                fail("rendering differs from golden file " + file + " (- golden, + actual):\n" + diff(expected, actual)
                        + "\nIf the new rendering is intended, regenerate the golden files with\n  " + command()
                        + "\nand review the git diff.");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String command() {
        return "./mvnw -B -q -pl core test -Dtest='Plan*Test' -D" + UPDATE_PROPERTY + "=true";
    }

    /** A line diff (longest common subsequence), with two lines of context around each change. */
    static String diff(String expected, String actual) {
        String[] a = expected.split("\n", -1);
        String[] b = actual.split("\n", -1);
        int[][] lcs = new int[a.length + 1][b.length + 1];
        for (int i = a.length - 1; i >= 0; i--) {
            for (int j = b.length - 1; j >= 0; j--) {
                lcs[i][j] = a[i].equals(b[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> lines = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            if (i < a.length && j < b.length && a[i].equals(b[j])) {
                lines.add("  " + a[i]);
                i++;
                j++;
            } else if (i < a.length && (j == b.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
                lines.add("- " + a[i++]);
            } else {
                lines.add("+ " + b[j++]);
            }
        }
        StringBuilder sb = new StringBuilder();
        int last = -10;
        for (int k = 0; k < lines.size(); k++) {
            boolean near = false;
            for (int d = -2; d <= 2; d++) {
                int n = k + d;
                if (n >= 0 && n < lines.size() && !lines.get(n).startsWith("  ")) {
                    near = true;
                }
            }
            if (near) {
                if (last >= 0 && k > last + 1) {
                    sb.append("  ...\n");
                }
                sb.append(lines.get(k)).append('\n');
                last = k;
            }
        }
        return sb.toString();
    }
}
