package dev.cutover.examples;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** What the main job expected and what it saw; the exit code comes from here. */
final class MainJobOutcome {

    private final PrintStream print;
    private final List<String> passed = new ArrayList<>();
    private final List<String> failed = new ArrayList<>();

    MainJobOutcome(PrintStream print) {
        this.print = print;
    }

    /** Records one expectation. */
    synchronized boolean expect(boolean ok, String what) {
        (ok ? passed : failed).add(what);
        return ok;
    }

    synchronized void fail(String what) {
        failed.add(what);
    }

    /** Prints the checklist; true when nothing failed. */
    synchronized boolean report() {
        print.println("\n=== As designed? ===");
        passed.forEach(p -> print.println("  [ok]   " + p));
        failed.forEach(f -> print.println("  [FAIL] " + f));
        boolean ok = failed.isEmpty() && !passed.isEmpty();
        print.println(ok ? "\nMain job finished as designed." : "\nMain job did NOT behave as designed.");
        return ok;
    }
}
