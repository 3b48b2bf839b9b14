package dev.cutover.group;

import static dev.cutover.group.GroupWorld.release;
import static dev.cutover.group.ReleaseGroup.after;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.Problem;
import dev.cutover.Release;
import dev.cutover.ValidationException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The release group DSL: immutable, null-hostile, and every problem of a group reported at once. */
class ReleaseGroupDslTest {

    @Test
    void everyProblemOfAGroupIsReportedAtOnceBeforeAnyProviderCall() {
        ReleaseGroup.Builder b = ReleaseGroup.named("Checkout!")
                .member(release("payments", "2.0.0"), after("orders"))
                .member(release("orders", "2.0.0"), after("payments", "ledger"))
                .member(release("payments", "2.0.1"))
                .member(release("search", "2.0.0"), after("search"))
                .concurrency(0)
                .requireApproval(Duration.ZERO);

        assertThatThrownBy(b::build).isInstanceOfSatisfying(ValidationException.class, e -> {
            assertThat(e.problems()).extracting(Problem::path).containsExactly(
                    "group.name",
                    "group.members[2]",
                    "group.members[1].after[1]",
                    "group.members[3].after[0]",
                    "group.members",
                    "group.concurrency",
                    "group.approvalTimeout");
            assertThat(e.getMessage()).contains("7 problems in release group 'Checkout!'",
                    "'payments' is already members[0] (stage/payments)",
                    "no member of group 'Checkout!' is named 'ledger'; members: [payments, orders, search]",
                    "'search' cannot wait for itself",
                    "group.members = 'payments -> orders -> payments': these members wait for each other in a cycle",
                    "group.concurrency = '0': must be at least 1");
        });
    }

    @Test
    void aGroupWithoutMembersSaysHowToAddOne() {
        assertThatThrownBy(() -> ReleaseGroup.named("checkout").build()).isInstanceOf(ValidationException.class)
                .hasMessageContaining("group.members: a group needs at least one member; add .member(release)");
    }

    @Test
    void nullsFailAtOnceNamingTheField() {
        ReleaseGroup.Builder b = ReleaseGroup.named("checkout");
        assertThatThrownBy(() -> ReleaseGroup.named(null)).isInstanceOf(NullPointerException.class)
                .hasMessageStartingWith("group.name must not be null");
        assertThatThrownBy(() -> b.member(null)).isInstanceOf(NullPointerException.class)
                .hasMessageStartingWith("group.members[0] must not be null");
        assertThatThrownBy(() -> b.member(release("orders", "1.0.0"), null)).isInstanceOf(NullPointerException.class)
                .hasMessageStartingWith("group.members[0].after must not be null");
        assertThatThrownBy(() -> after("payments", null)).isInstanceOf(NullPointerException.class)
                .hasMessageStartingWith("group.member.after[1] must not be null");
        assertThatThrownBy(() -> b.onFailure(null)).isInstanceOf(NullPointerException.class)
                .hasMessageStartingWith("group.onFailure must not be null");
        assertThatThrownBy(() -> b.requireApproval(null)).isInstanceOf(NullPointerException.class)
                .hasMessageStartingWith("group.approvalTimeout must not be null");
    }

    @Test
    void aBuiltGroupIsImmutableAndCopiesThroughItsBuilder() {
        ReleaseGroup g = ReleaseGroup.named("checkout").member(release("payments", "2.0.0"))
                .member(release("orders", "2.0.0"), after("payments")).concurrency(2).build();
        ReleaseGroup copy = g.toBuilder().build();
        assertThat(copy).isEqualTo(g).hasSameHashCodeAs(g);
        ReleaseGroup changed = g.toBuilder().onFailure(OnFailure.ONLY_FAILED).build();
        assertThat(changed).isNotEqualTo(g);
        assertThat(g.onFailure()).isEqualTo(OnFailure.ROLLBACK_ALL);
        assertThatThrownBy(() -> g.members().add(g.members().get(0))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> g.waves().get(0).add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(g.toString()).isEqualTo("ReleaseGroup[checkout waves=[[payments], [orders]], concurrency=2, onFailure=ROLLBACK_ALL]");
    }

    /**
     * Any acyclic dependency graph builds, and its waves are an oracle's longest-path layering: a
     * member's wave is one more than its latest dependency's. Adding one back edge makes a cycle,
     * which is reported naming a path that returns to its start.
     */
    @Property(tries = 200)
    void wavesFollowDependenciesAndACycleIsAlwaysReported(@ForAll @Size(min = 1, max = 8) List<@IntRange(min = 0, max = 255) Integer> edges,
            @ForAll @IntRange(min = 2, max = 8) int n) {
        List<Set<Integer>> deps = GroupWorld.acyclic(edges, n);
        ReleaseGroup.Builder b = ReleaseGroup.named("g");
        for (int i = 0; i < n; i++) {
            b.member(release("s" + i, "1.0.0"), after(deps.get(i).stream().sorted().map(d -> "s" + d).toArray(String[]::new)));
        }
        ReleaseGroup g = b.build();
        Map<Integer, Integer> wave = new HashMap<>();
        for (int i = 0; i < n; i++) {
            wave.put(i, deps.get(i).stream().mapToInt(wave::get).max().orElse(-1) + 1);
        }
        for (int i = 0; i < n; i++) {
            assertThat(g.waves().get(wave.get(i))).as("s" + i).contains("s" + i);
        }
        assertThat(g.waves().stream().mapToInt(List::size).sum()).isEqualTo(n);

        // a back edge from the first member to one that (transitively) waits for it closes a cycle
        int last = -1;
        for (int i = n - 1; i > 0 && last < 0; i--) {
            if (dependsOn(deps, i, 0)) {
                last = i;
            }
        }
        if (last > 0) {
            ReleaseGroup.Builder cyclic = ReleaseGroup.named("g");
            for (int i = 0; i < n; i++) {
                Set<Integer> d = new HashSet<>(deps.get(i));
                if (i == 0) {
                    d.add(last);
                }
                cyclic.member(release("s" + i, "1.0.0"), after(d.stream().sorted().map(x -> "s" + x).toArray(String[]::new)));
            }
            assertThatThrownBy(cyclic::build).isInstanceOfSatisfying(ValidationException.class, e -> {
                assertThat(e.problems()).hasSize(1);
                String[] path = e.problems().get(0).value().split(" -> ");
                assertThat(path[0]).isEqualTo(path[path.length - 1]);
                assertThat(path).contains("s0");
            });
        }
    }

    private static boolean dependsOn(List<Set<Integer>> deps, int member, int target) {
        for (int d : deps.get(member)) {
            if (d == target || dependsOn(deps, d, target)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void memberNamesComeFromTheirServices() {
        Release r = release("payments", "2.0.0");
        ReleaseGroup g = ReleaseGroup.named("checkout").member(r).build();
        assertThat(g.member("payments")).hasValueSatisfying(m -> assertThat(m.release()).isEqualTo(r));
        assertThat(g.member("orders")).isEmpty();
    }
}
