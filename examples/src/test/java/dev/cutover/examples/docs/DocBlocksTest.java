package dev.cutover.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.examples.docs.MarkdownBlocks.Block;
import dev.cutover.junit.LocalCutover;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs every {@code ```java} and {@code ```jshell} block of README.md and docs/*.md exactly as
 * written, one dynamic test per block named {@code page:line}:
 * <ul>
 * <li>a ```java block is compiled ({@link JavaBlocks}: one {@code javac} for all blocks, with the imports
 *     of {@code ./cutover-shell}); then a fragment runs with a fresh virtual-time local cloud as its
 *     {@code cloud}, {@code clock}, {@code time}, {@code aws} and {@code cutover}, a class with a
 *     {@code main} runs it, and a class with JUnit tests runs them through the JUnit Platform;</li>
 * <li>{@code ```java compile-only} blocks (they need real AWS, a webhook, API keys) are compiled only,
 *     and a block that is neither run nor marked so fails;</li>
 * <li>{@code ```jshell} blocks, and {@code ```java cutover-shell} blocks as well, are pasted into
 *     JShell line by line, as {@code jshell} reads them; cutover-shell blocks after the start-up of
 *     {@code ./cutover-shell --virtual}; the blocks of one page share one JShell, in order, as a
 *     reader pastes them.</li>
 * </ul>
 * A failure names the page and line of the block, and of the compiler error.
 */
class DocBlocksTest {

    private static final Path ROOT = Path.of("..");
    private static final Map<String, JShellSession> SHELLS = new LinkedHashMap<>();

    @TestFactory
    Stream<DynamicTest> everyJavaAndJShellBlockOfTheDocsRunsAsWritten() throws Exception {
        List<Block> blocks = new ArrayList<>();
        for (Path page : MarkdownBlocks.pages(ROOT)) {
            blocks.addAll(MarkdownBlocks.of(page, ROOT.relativize(page).toString()));
        }
        assertThat(blocks).as("java and jshell blocks in README.md and docs/*.md").hasSizeGreaterThan(20);
        JavaBlocks java = new JavaBlocks(blocks.stream().filter(b -> b.language().equals("java")).toList(),
                Path.of("target", "doc-blocks")).compile();
        return blocks.stream().map(b -> DynamicTest.dynamicTest(b.toString(), () -> run(b, java)));
    }

    private static void run(Block block, JavaBlocks java) throws Throwable {
        assertThat(MarkdownBlocks.ATTRIBUTES).as("%s: what its info string says", block.where())
                .containsAll(block.attributes());
        if (block.language().equals("jshell")) {
            assertThat(block.is(Block.COMPILE_ONLY)).as("%s: a jshell block always runs", block.where()).isFalse();
            shell(block).eval(block);
            return;
        }
        try {
            runJava(block, java);
        } catch (AssertionError e) {
            throw e;
        } catch (Throwable e) {
            throw new AssertionError(block.where() + ": throws " + e, e);
        }
    }

    private static void runJava(Block block, JavaBlocks java) throws Throwable {
        List<String> errors = java.errors(block);
        if (!errors.isEmpty()) {
            throw new AssertionError(block.where() + ": does not compile\n" + String.join("\n", errors));
        }
        if (!block.is(Block.COMPILE_ONLY)) {
            if (!java.isType(block)) {
                runFragment(block, java);
            } else if (java.hasMain(block)) {
                try {
                    java.load(block).getMethod("main", String[].class).invoke(null, (Object) new String[0]);
                } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause();
                }
            } else {
                runTests(block, java.load(block));
            }
        }
        if (block.is(Block.CUTOVER_SHELL)) {
            shell(block).eval(block);
        }
    }

    private static void runFragment(Block block, JavaBlocks java) throws Throwable {
        try (LocalCutover world = LocalCutover.builder().datadog(true).start()) {
            Map<String, Object> context = new LinkedHashMap<>();
            context.put("cloud", world.cloud());
            context.put("clock", world.cloud().clock());
            context.put("time", world.time());
            context.put("aws", world.aws());
            context.put("cutover", world.cutover());
            java.runFragment(block, context);
        }
    }

    private static void runTests(Block block, Class<?> type) {
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(DiscoverySelectors.selectClass(type)).build(),
                listener);
        TestExecutionSummary summary = listener.getSummary();
        assertThat(summary.getTestsFoundCount())
                .as("%s: a class without main or JUnit tests runs nothing; mark it ```java compile-only", block.where())
                .isPositive();
        if (summary.getTotalFailureCount() > 0) {
            AssertionError failed = new AssertionError(block.where() + ": " + summary.getTotalFailureCount() + " of "
                    + summary.getTestsFoundCount() + " tests failed: " + summary.getFailures().stream()
                    .map(f -> f.getTestIdentifier().getDisplayName() + ": " + f.getException())
                    .collect(Collectors.joining("; ")));
            summary.getFailures().forEach(f -> failed.addSuppressed(f.getException()));
            throw failed;
        }
    }

    private static JShellSession shell(Block block) {
        boolean cutoverShell = block.is(Block.CUTOVER_SHELL);
        return SHELLS.computeIfAbsent(block.page() + (cutoverShell ? " cutover-shell" : " jshell"),
                k -> cutoverShell ? JShellSession.cutoverShell() : JShellSession.plain());
    }

    @AfterAll
    static void closeShells() {
        SHELLS.values().forEach(JShellSession::close);
        SHELLS.clear();
    }
}
