package dev.cutover.examples.docs;

import dev.cutover.examples.docs.MarkdownBlocks.Block;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import dev.cutover.examples.jshell.DirectExecution;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;

/**
 * One JShell (the {@code jdk.jshell} API, snippets run in this JVM on the calling thread:
 * {@link DirectExecution}) with the test class path, fed the
 * way the {@code jshell} tool reads pasted text: line by line, each statement run as soon as a line
 * completes it.
 */
final class JShellSession implements AutoCloseable {

    private final JShell shell = JShell.builder().executionEngine(new DirectExecution(), java.util.Map.of())
            .out(System.out).err(System.err).build();

    private JShellSession() {
        shell.addToClasspath(JavaBlocks.classPath());
        for (String i : JavaBlocks.IMPORTS.subList(0, 10)) {   // the jshell tool's DEFAULT start-up
            eval(i, "DEFAULT start-up", 1);
        }
    }

    /** A jshell with its DEFAULT start-up. */
    static JShellSession plain() {
        return new JShellSession();
    }

    /** What {@code ./cutover-shell --virtual} starts with: imports.jsh, then virtual-cloud.jsh. */
    static JShellSession cutoverShell() {
        JShellSession s = new JShellSession();
        for (String script : new String[] {"imports.jsh", "virtual-cloud.jsh"}) {
            Path path = Path.of("jshell", script);
            try {
                s.eval(Files.readString(path), "examples/" + path, 1);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return s;
    }

    /** Pastes the block; the first snippet that is rejected or throws fails with the page's line. */
    void eval(Block block) {
        eval(block.source(), block.page(), block.line() + 1);
    }

    private void eval(String source, String page, int firstLine) {
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        String pending = "";
        int pendingLine = firstLine;
        int lineNo = firstLine;
        for (String line : source.split("\n", -1)) {
            if (pending.isBlank()) {
                pending = "";
                pendingLine = lineNo;
            }
            pending = pending + line + "\n";
            lineNo++;
            while (!pending.isBlank()) {
                SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(pending);
                if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
                    pending = "";
                } else if (info.completeness().isComplete()) {
                    run(info.source(), page + ":" + pendingLine);
                    pending = info.remaining();
                    pendingLine = lineNo - (int) pending.lines().count();
                } else {
                    break;
                }
            }
        }
        if (!pending.isBlank()) {
            throw new AssertionError(page + ":" + pendingLine + ": incomplete at the end of the block:\n" + pending);
        }
    }

    private void run(String snippet, String where) {
        for (SnippetEvent e : shell.eval(snippet)) {
            if (e.causeSnippet() == null && e.status() != Snippet.Status.VALID) {   // rejected, or refers to what is not there
                String unresolved = e.snippet() instanceof DeclarationSnippet d
                        ? shell.unresolvedDependencies(d).collect(Collectors.joining(", ")) : "";
                throw new AssertionError(where + ": JShell says " + e.status() + "\n" + snippet + shell.diagnostics(e.snippet())
                        .map(d -> d.getMessage(null)).collect(Collectors.joining("\n"))
                        + (unresolved.isEmpty() ? "" : "\nunresolved: " + unresolved));
            }
            if (e.exception() != null) {
                throw new AssertionError(where + ": throws in JShell\n" + snippet, e.exception());
            }
        }
    }

    @Override
    public void close() {
        shell.eval("if (cloud != null) cloud.close();");   // the local cloud the start-up started, if any
        shell.close();
    }
}
