package dev.cutover.examples.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The fenced {@code ```java} and {@code ```jshell} blocks of Markdown pages, with where they start and
 * the words after the language in the fence's info string ({@code ```java compile-only}).
 */
final class MarkdownBlocks {

    /** What a block's info string may say after its language; anything else is an error. */
    static final Set<String> ATTRIBUTES = Set.of(Block.COMPILE_ONLY, Block.CUTOVER_SHELL);

    private static final Pattern FENCE = Pattern.compile("^(\\s*)(```+)\\s*([^\\s`]*)([^`]*)$");   // CommonMark: no backtick after a backtick fence

    private MarkdownBlocks() {
    }

    /** README.md and every docs/*.md under {@code root}, in name order. */
    static List<Path> pages(Path root) {
        List<Path> pages = new ArrayList<>();
        pages.add(root.resolve("README.md"));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pages;
    }

    /** Every java and jshell block of {@code page}, in order; {@code name} is how reports name the page. */
    static List<Block> of(Path page, String name) {
        List<String> lines;
        try {
            lines = Files.readAllLines(page);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher open = FENCE.matcher(lines.get(i));
            if (!open.matches()) {
                continue;
            }
            String indent = open.group(1);
            String fence = open.group(2);
            String language = open.group(3);
            int start = i;
            StringBuilder source = new StringBuilder();
            for (i++; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.strip().equals(fence)) {
                    break;
                }
                source.append(line.startsWith(indent) ? line.substring(indent.length()) : line.stripLeading()).append('\n');
            }
            if (i == lines.size()) {
                throw new AssertionError(name + ":" + (start + 1) + ": the code block is never closed");
            }
            if (language.equals("java") || language.equals("jshell")) {
                Set<String> attributes = new LinkedHashSet<>(Arrays.asList(open.group(4).strip().split("\\s+")));
                attributes.remove("");
                blocks.add(new Block(name, start + 1, language, Set.copyOf(attributes), source.toString()));
            }
        }
        return blocks;
    }

    /**
     * One code block. {@code line} is the line of its opening fence, so the block's n-th line is line
     * {@code line + n} of the page.
     */
    record Block(String page, int line, String language, Set<String> attributes, String source) {

        /** Compiled, never run: the block needs what a test does not have (real AWS, a webhook, keys). */
        static final String COMPILE_ONLY = "compile-only";
        /** Meant to be pasted into {@code ./cutover-shell}: also run through JShell with the shell's start-up. */
        static final String CUTOVER_SHELL = "cutover-shell";

        String where() {
            return page + ":" + line;
        }

        boolean is(String attribute) {
            return attributes.contains(attribute);
        }

        @Override
        public String toString() {
            return where() + " (```" + language + (attributes.isEmpty() ? "" : " " + String.join(" ", attributes)) + ")";
        }
    }
}
