package dev.cutover.examples.docs;

import dev.cutover.examples.docs.MarkdownBlocks.Block;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;

/**
 * Compiles the ```java blocks of the docs with one {@code javac} task, each block as written in a
 * compilation unit of its own whose line n+1 is the block's line n (so a diagnostic names the page's
 * line). A block whose first declaration is a type is compiled as it is; any other block is a
 * fragment: its leading {@code import} lines stay imports and the rest becomes the body of
 * {@code run()} in a class with a static field for each variable {@code ./cutover-shell --virtual}
 * defines ({@link #CONTEXT}). Every unit imports what {@code ./cutover-shell} imports
 * ({@link #IMPORTS}).
 */
final class JavaBlocks {

    /** The jshell tool's DEFAULT start-up imports, then those of examples/jshell/imports.jsh. */
    static final List<String> IMPORTS;

    /** The variables a fragment may use without declaring them, as {@code examples/jshell/virtual-cloud.jsh} declares them. */
    static final Map<String, String> CONTEXT = new LinkedHashMap<>();

    static {
        List<String> imports = new ArrayList<>(List.of("java.io.*", "java.math.*", "java.net.*", "java.nio.file.*",
                "java.util.*", "java.util.concurrent.*", "java.util.function.*", "java.util.prefs.*", "java.util.regex.*",
                "java.util.stream.*").stream().map(i -> "import " + i + ";").toList());
        try {
            Files.readAllLines(Path.of("jshell", "imports.jsh")).stream().map(String::strip)
                    .filter(l -> l.startsWith("import ")).map(l -> l.replaceFirst(";\\s*//.*$", ";")).forEach(imports::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        IMPORTS = List.copyOf(imports);
        CONTEXT.put("cloud", "dev.cutover.localcloud.LocalCloud");
        CONTEXT.put("clock", "dev.cutover.localcloud.SimClock");
        CONTEXT.put("time", "dev.cutover.time.VirtualScheduler");
        CONTEXT.put("aws", "dev.cutover.aws.AwsProvider");
        CONTEXT.put("cutover", "dev.cutover.Cutover");
    }

    private static final Pattern TYPE = Pattern.compile(
            "^(?:(?:public|abstract|final|sealed|non-sealed|static)\\s+)*(?:class|record|interface|enum|@interface)\\s+(\\w+)");
    private static final Pattern MAIN = Pattern.compile("public\\s+static\\s+void\\s+main\\s*\\(");

    private final Map<Block, Unit> units = new LinkedHashMap<>();
    private final Path output;
    private URLClassLoader loader;

    JavaBlocks(List<Block> blocks, Path output) {
        this.output = output;
        int n = 0;
        for (Block block : blocks) {
            units.put(block, Unit.of(block, "docblocks.b" + n++));
        }
    }

    /** Compiles every block; a block that does not compile keeps its errors, the others compile anyway. */
    JavaBlocks compile() throws IOException {
        Files.createDirectories(output);
        // javac writes no class when any unit has an error, and a syntax error stops it before it checks the
        // others: compile again without the units that failed, until a pass succeeds
        List<Unit> batch = new ArrayList<>(units.values());
        while (!batch.isEmpty() && !compile(batch)) {
            List<Unit> good = batch.stream().filter(u -> u.errors.isEmpty()).toList();
            if (good.size() == batch.size()) {
                throw new AssertionError("javac failed without an error in a doc block");
            }
            batch = new ArrayList<>(good);
        }
        loader = new URLClassLoader(new URL[] {output.toUri().toURL()}, JavaBlocks.class.getClassLoader());
        return this;
    }

    private boolean compile(List<Unit> batch) throws IOException {
        if (batch.isEmpty()) {
            return true;
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            files.setLocation(StandardLocation.CLASS_OUTPUT, List.of(output.toFile()));
            List<String> options = List.of("-classpath", classPath(), "-proc:none", "-parameters", "-Xlint:none", "-nowarn");
            boolean ok = javac.getTask(null, files, diagnostics, options, null, batch).call();
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                if (d.getKind() == Diagnostic.Kind.ERROR && d.getSource() instanceof Unit unit) {
                    unit.errors.add(unit.block.page() + ":" + (unit.block.line() + d.getLineNumber() - 1) + ": "
                            + d.getMessage(Locale.ROOT));
                }
            }
            return ok;
        }
    }

    static String classPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    /** The compiler's errors for this block, each with the page's file and line; empty when it compiled. */
    List<String> errors(Block block) {
        return List.copyOf(units.get(block).errors);
    }

    /** Whether the block is a type declaration rather than a fragment. */
    boolean isType(Block block) {
        return units.get(block).typeName != null;
    }

    /** Whether the block is a type with a {@code main} method. */
    boolean hasMain(Block block) {
        return isType(block) && MAIN.matcher(block.source()).find();
    }

    /** The block's class: the declared type, or the fragment's wrapper. */
    Class<?> load(Block block) throws ClassNotFoundException {
        return Class.forName(units.get(block).className(), true, loader);
    }

    /** Runs a fragment with the given values of {@link #CONTEXT}. */
    void runFragment(Block block, Map<String, Object> context) throws Throwable {
        Class<?> wrapper = load(block);
        for (Map.Entry<String, Object> e : context.entrySet()) {
            wrapper.getDeclaredField(e.getKey()).set(null, e.getValue());
        }
        try {
            wrapper.getMethod("run").invoke(null);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** One block as a compilation unit. */
    private static final class Unit extends SimpleJavaFileObject {
        final Block block;
        final String pkg;
        final String typeName;   // null for a fragment
        final String code;
        final List<String> errors = new ArrayList<>();

        private Unit(Block block, String pkg, String typeName, String code) {
            super(URI.create("string:///" + pkg.replace('.', '/') + "/" + (typeName == null ? "Fragment" : typeName) + ".java"),
                    Kind.SOURCE);
            this.block = block;
            this.pkg = pkg;
            this.typeName = typeName;
            this.code = code;
        }

        static Unit of(Block block, String pkg) {
            // line 1: package and the shell's imports; then the block's lines, each on its own line
            String header = "package " + pkg + "; " + String.join(" ", IMPORTS);
            List<String> lines = new ArrayList<>(block.source().lines().toList());
            int leading = 0;   // blank, comment and import lines before the first declaration or statement
            while (leading < lines.size() && isPreamble(lines.get(leading))) {
                leading++;
            }
            int annotations = leading;
            while (annotations < lines.size() && lines.get(annotations).startsWith("@")) {
                annotations++;
            }
            Matcher type = TYPE.matcher(annotations < lines.size() ? lines.get(annotations) : "");
            if (type.find()) {
                return new Unit(block, pkg, type.group(1), header + "\n" + String.join("\n", lines) + "\n");
            }
            StringBuilder wrapper = new StringBuilder("public class Fragment {");
            CONTEXT.forEach((name, cls) -> wrapper.append(" public static ").append(cls).append(' ').append(name).append(';'));
            wrapper.append(" public static void run() throws Throwable {");
            if (leading == lines.size()) {
                lines.add("");
            }
            lines.set(leading, wrapper + " " + lines.get(leading));   // the first statement keeps its line
            return new Unit(block, pkg, null, header + "\n" + String.join("\n", lines) + "\n}}\n");
        }

        private static boolean isPreamble(String line) {
            String s = line.strip();
            return s.isEmpty() || s.startsWith("//") || s.startsWith("import ");
        }

        String className() {
            return pkg + "." + (typeName == null ? "Fragment" : typeName);
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return code;
        }
    }

}
