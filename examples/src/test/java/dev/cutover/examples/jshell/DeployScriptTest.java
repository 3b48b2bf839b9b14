package dev.cutover.examples.jshell;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Runs what {@code ./cutover-shell --virtual examples/jshell/deploy.jsh} runs: the early start of the
 * world on a background thread ({@code early-start.jsh}, {@code -Dcutover.shell.world}), the imports, the
 * local-cloud start-up on virtual time (AWS provider on the local cloud) and the canary script,
 * snippet by snippet, then checks where the deployments ended. The default, real-time start-up is
 * started and planned against, without waiting for a rollout in wall time.
 */
class DeployScriptTest {

    /** Runs the shell's start-up as {@code ./cutover-shell} does for {@code world} (local or virtual). */
    private static void startUp(JShellScripts jshell, String world) throws Exception {
        String before = System.getProperty("cutover.shell.world");
        System.setProperty("cutover.shell.world", world);
        try {
            jshell.run(JShellScripts.DIR.resolve("early-start.jsh"));
        } finally {
            if (before == null) {
                System.clearProperty("cutover.shell.world");
            } else {
                System.setProperty("cutover.shell.world", before);
            }
        }
        jshell.run(JShellScripts.DIR.resolve("imports.jsh"));
        jshell.run(JShellScripts.DIR.resolve(world + "-cloud.jsh"));
        assertThat(jshell.value("world.cloud() == cloud")).isEqualTo("true");
    }

    @Test
    void theCanaryScriptRunsOnTheLocalCloud() throws Exception {
        try (JShellScripts jshell = new JShellScripts()) {
            startUp(jshell, "virtual");
            try {
                jshell.run(JShellScripts.DIR.resolve("deploy.jsh"));
                assertThat(jshell.evaluated()).anyMatch(s -> s.contains("d.pause()"))
                        .anyMatch(s -> s.contains("d.promote()")).anyMatch(s -> s.contains("d2.abort()"));
                assertThat(jshell.value("d.status()")).isEqualTo("SUCCEEDED");
                assertThat(jshell.value("d2.status()")).isEqualTo("ROLLED_BACK");
                assertThat(jshell.value("aws.traffic().orElseThrow().weights(\"stage\", \"orders\").values()"))
                        .isEqualTo("[100]");
                assertThat(jshell.value("cutover.history(\"orders\", \"stage\").size()")).isEqualTo("3");
            } finally {
                jshell.eval("cutover.close(); cloud.close(); clock.close();", "clean-up");
            }
        }
    }

    @Test
    void theDefaultStartUpStartsTheLocalCloudInRealTime() throws Exception {
        try (JShellScripts jshell = new JShellScripts()) {
            startUp(jshell, "local");
            try {
                assertThat(jshell.value("clock.isVirtual()")).isEqualTo("false");
                jshell.eval("Plan first = cutover.plan(Release.of(Service.named(\"orders\").image(\"repo/orders:1.0.0\").build())"
                        + ".to(Environment.named(\"test\").region(\"us-east-1\").cluster(\"main\").serviceConnect().build()).build());",
                        "plan");
                assertThat(jshell.value("first.toString()")).contains("+ cluster test/main", "+ revision test/orders");
            } finally {
                jshell.eval("cutover.close(); cloud.close(); clock.close();", "clean-up");
            }
        }
    }
}
