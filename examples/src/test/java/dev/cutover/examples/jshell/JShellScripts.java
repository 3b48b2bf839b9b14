package dev.cutover.examples.jshell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;

/**
 * Runs JShell scripts non-interactively through the JDK's {@code jdk.jshell} API, in this JVM (on the
 * calling thread: {@link DirectExecution}) with the test class path, failing on the first rejected snippet or
 * exception.
 */
final class JShellScripts implements AutoCloseable {

    static final Path DIR = Path.of("jshell");

    private final JShell shell;
    private final List<String> evaluated = new ArrayList<>();

    JShellScripts() {
        shell = JShell.builder().executionEngine(new DirectExecution(), java.util.Map.of()).out(System.out).err(System.err).build();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        shell.addToClasspath(classPath);
    }

    /** Evaluates every snippet of {@code script}, in order. */
    JShellScripts run(Path script) throws IOException {
        return eval(Files.readString(script), script.toString());
    }

    /** Evaluates every snippet of {@code source}, in order. */
    JShellScripts eval(String source, String where) {
        for (String snippet : snippets(source)) {
            for (SnippetEvent e : shell.eval(snippet)) {
                if (e.status() == Snippet.Status.REJECTED) {
                    String diags = shell.diagnostics(e.snippet()).map(d -> d.getMessage(null)).collect(Collectors.joining("; "));
                    throw new AssertionError(where + ": rejected snippet\n" + snippet + "\n" + diags);
                }
                if (e.exception() != null) {
                    throw new AssertionError(where + ": snippet threw\n" + snippet, e.exception());
                }
            }
            evaluated.add(snippet);
        }
        return this;
    }

    /** The value of an expression, as JShell prints it. */
    String value(String expression) {
        List<SnippetEvent> events = shell.eval(expression);
        SnippetEvent last = events.get(events.size() - 1);
        if (last.status() == Snippet.Status.REJECTED || last.exception() != null) {
            throw new AssertionError("could not evaluate " + expression, last.exception());
        }
        return last.value();
    }

    /** Every snippet evaluated so far. */
    List<String> evaluated() {
        return List.copyOf(evaluated);
    }

    /**
     * Splits source into snippets the way {@code jshell} reads a script: line by line, running what
     * it has as soon as it is a complete statement (so a chain must end its lines with a dot).
     */
    List<String> snippets(String source) {
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        List<String> out = new ArrayList<>();
        String pending = "";
        for (String line : source.split("\n", -1)) {
            pending = pending + line + "\n";
            while (!pending.isBlank()) {
                SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(pending);
                if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
                    pending = "";
                } else if (info.completeness().isComplete()) {
                    out.add(info.source());
                    pending = info.remaining();
                } else {
                    break;
                }
            }
        }
        if (!pending.isBlank()) {
            throw new AssertionError("incomplete snippet at the end of the script:\n" + pending);
        }
        return out;
    }

    @Override
    public void close() {
        shell.close();
    }
}

