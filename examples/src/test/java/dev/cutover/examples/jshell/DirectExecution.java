package dev.cutover.examples.jshell;

import java.lang.reflect.Method;
import java.util.Map;
import jdk.jshell.execution.LocalExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * JShell's "local" execution engine, except that a snippet runs on the thread that evaluates it.
 * The JDK's engine runs each snippet on a new thread and then joins every thread of that thread's
 * group that it finds alive — so when a snippet has already started a long-lived thread (the local
 * cloud's HTTP server, a scheduler) by the time it looks, which a loaded machine makes likely, the
 * evaluation never returns. Tests use this engine so their outcome does not depend on machine load.
 *
 * <pre>{@code
 * JShell shell = JShell.builder().executionEngine(new DirectExecution(), Map.of()).build();
 * }</pre>
 */
public final class DirectExecution implements ExecutionControlProvider {

    @Override
    public String name() {
        return "cutover-direct";
    }

    @Override
    public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
        return new LocalExecutionControl() {
            @Override
            protected String invoke(Method doit) throws Exception {
                return valueString(doit.invoke(null));
            }
        };
    }
}
