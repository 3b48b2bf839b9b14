package dev.cutover.group;

import dev.cutover.Release;
import dev.cutover.ValidationException;
import dev.cutover.internal.Names;
import dev.cutover.internal.Problems;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Several releases that go out together: members in dependency order ({@code payments} before
 * {@code orders}), run in waves with at most {@link #concurrency()} members rolling out at once,
 * behind one approval for the whole group, with one outcome ({@link OnFailure}). Immutable; build
 * it with {@link #named(String)}, then plan and apply it with a {@link ReleaseCoordinator}.
 *
 * <pre>{@code
 * ReleaseGroup checkout = ReleaseGroup.named("checkout")
 *     .member(payments)                          // Releases; a member is named after its service
 *     .member(orders, after("payments"))
 *     .member(inventory, after("payments"))
 *     .concurrency(2)
 *     .requireApproval(Duration.ofHours(1))
 *     .onFailure(OnFailure.ROLLBACK_ALL)
 *     .build();
 * checkout.waves();   // [[payments], [orders, inventory]]
 * }</pre>
 *
 * <p>{@link Builder#build()} checks the whole group and reports every problem at once (a bad name,
 * no member, two members of one service, a dependency on a member that is not in the group, a
 * member after itself, every dependency cycle, a concurrency below 1, a non-positive approval
 * timeout) before any provider is called.
 */
public final class ReleaseGroup {

    /** The default time a group waits for its approval before it gives up without deploying anything. */
    public static final Duration DEFAULT_APPROVAL_TIMEOUT = Duration.ofHours(1);

    private final String name;
    private final List<Member> members;
    private final int concurrency;
    private final boolean requiresApproval;
    private final Duration approvalTimeout;
    private final OnFailure onFailure;
    private final List<List<String>> waves;

    private ReleaseGroup(Builder b, List<List<String>> waves) {
        this.name = b.name;
        this.members = List.copyOf(b.members);
        this.concurrency = b.concurrency;
        this.requiresApproval = b.requiresApproval;
        this.approvalTimeout = b.approvalTimeout;
        this.onFailure = b.onFailure;
        this.waves = waves.stream().map(List::copyOf).toList();
    }

    /** Starts a group named {@code name} (1-63 lowercase letters, digits and hyphens). */
    public static Builder named(String name) {
        return new Builder(Problems.nonNull(name, "group.name", "name the group, e.g. ReleaseGroup.named(\"checkout\")"));
    }

    /** The members a member waits for: {@code .member(orders, after("payments", "inventory"))}. */
    public static After after(String... members) {
        Problems.nonNull(members, "group.member.after", "name the members it waits for, e.g. after(\"payments\")");
        for (int i = 0; i < members.length; i++) {
            Problems.nonNull(members[i], "group.member.after[" + i + "]", "name a member of the group, e.g. after(\"payments\")");
        }
        return new After(List.of(members));
    }

    /**
     * The members a member waits for (see {@link ReleaseGroup#after(String...)}).
     *
     * @param members member names, in the order given
     */
    public record After(List<String> members) {
        public After {
            members = List.copyOf(members);
        }
    }

    /**
     * One member: a release, named after its service, and the members it waits for.
     *
     * @param name    the member's name (its service's name)
     * @param release what it deploys where, with which strategy
     * @param after   the members that must have succeeded before it starts
     */
    public record Member(String name, Release release, List<String> after) {
        public Member {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(release, "release");
            after = List.copyOf(after);
        }
    }

    public String name() {
        return name;
    }

    /** Every member in the order they were added. */
    public List<Member> members() {
        return members;
    }

    /** The member named {@code name}, if the group has one. */
    public java.util.Optional<Member> member(String name) {
        Objects.requireNonNull(name, "name");
        return members.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /** At most this many members roll out at once (within a wave). */
    public int concurrency() {
        return concurrency;
    }

    /** Whether the group waits for one {@code approve()} before its first member starts. */
    public boolean requiresApproval() {
        return requiresApproval;
    }

    /** How long the group waits for its approval; afterwards it ends without deploying anything. */
    public Duration approvalTimeout() {
        return approvalTimeout;
    }

    public OnFailure onFailure() {
        return onFailure;
    }

    /**
     * The members by wave: wave 1 holds the members that wait for nobody, wave {@code n} those whose
     * latest dependency is in wave {@code n-1}; within a wave, in the order the members were added.
     */
    public List<List<String>> waves() {
        return waves;
    }

    public Builder toBuilder() {
        Builder b = new Builder(name);
        b.members.addAll(members);
        b.concurrency = concurrency;
        b.requiresApproval = requiresApproval;
        b.approvalTimeout = approvalTimeout;
        b.onFailure = onFailure;
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReleaseGroup g && name.equals(g.name) && members.equals(g.members)
                && concurrency == g.concurrency && requiresApproval == g.requiresApproval
                && approvalTimeout.equals(g.approvalTimeout) && onFailure == g.onFailure;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, members, concurrency, requiresApproval, approvalTimeout, onFailure);
    }

    @Override
    public String toString() {
        return "ReleaseGroup[" + name + " waves=" + waves + ", concurrency=" + concurrency
                + (requiresApproval ? ", approval within " + approvalTimeout : "") + ", onFailure=" + onFailure + "]";
    }

    /** Builds a {@link ReleaseGroup}; {@link #build()} validates everything at once. */
    public static final class Builder {
        private final String name;
        private final List<Member> members = new ArrayList<>();
        private int concurrency = 1;
        private boolean requiresApproval;
        private Duration approvalTimeout = DEFAULT_APPROVAL_TIMEOUT;
        private OnFailure onFailure = OnFailure.ROLLBACK_ALL;

        private Builder(String name) {
            this.name = name;
        }

        /** Adds a member that waits for nobody (it goes in the first wave). */
        public Builder member(Release release) {
            return member(release, new After(List.of()));
        }

        /** Adds a member that starts only after {@code after}'s members succeeded. */
        public Builder member(Release release, After after) {
            String path = "group.members[" + members.size() + "]";
            Problems.nonNull(release, path, "pass a built Release, e.g. .member(Release.of(payments).to(stage).build())");
            Problems.nonNull(after, path + ".after", "pass after(\"<member>\", ...) or use member(release)");
            members.add(new Member(release.service().name(), release, after.members()));
            return this;
        }

        /** At most this many members roll out at once (default 1: one after the other). */
        public Builder concurrency(int concurrency) {
            this.concurrency = concurrency;
            return this;
        }

        /** One approval for the group before any member starts, waiting at most {@link #DEFAULT_APPROVAL_TIMEOUT}. */
        public Builder requireApproval() {
            return requireApproval(DEFAULT_APPROVAL_TIMEOUT);
        }

        /**
         * One approval for the group ({@code GroupDeployment.approve()}) before any member starts; it
         * also approves each member whose environment requires approval, so nobody approves members
         * one by one. Without it within {@code timeout} the group ends without deploying anything.
         */
        public Builder requireApproval(Duration timeout) {
            this.approvalTimeout = Problems.nonNull(timeout, "group.approvalTimeout", "pass a positive duration, e.g. Duration.ofHours(1)");
            this.requiresApproval = true;
            return this;
        }

        /** What a failed member means for the rest of the group (default {@link OnFailure#ROLLBACK_ALL}). */
        public Builder onFailure(OnFailure onFailure) {
            this.onFailure = Problems.nonNull(onFailure, "group.onFailure", "pass OnFailure.ROLLBACK_ALL or OnFailure.ONLY_FAILED");
            return this;
        }

        /** @throws ValidationException listing every problem of the group at once */
        public ReleaseGroup build() {
            Problems p = new Problems();
            String bad = Names.checkName(name);
            p.check(bad == null, "group.name", name, bad == null ? "" : bad);
            p.check(!members.isEmpty(), "group.members", null, "a group needs at least one member; add .member(release)");
            Map<String, Integer> index = new LinkedHashMap<>();
            for (int i = 0; i < members.size(); i++) {
                Member m = members.get(i);
                Integer first = index.putIfAbsent(m.name(), i);
                p.check(first == null, "group.members[" + i + "]", m.name(), "'" + m.name() + "' is already members["
                        + first + "] (" + (first == null ? "" : members.get(first).release().key()) + "); a group releases each "
                        + "service once: put the other release in another group");
            }
            for (int i = 0; i < members.size(); i++) {
                Member m = members.get(i);
                Set<String> seen = new LinkedHashSet<>();
                for (int j = 0; j < m.after().size(); j++) {
                    String dep = m.after().get(j);
                    String path = "group.members[" + i + "].after[" + j + "]";
                    if (dep.equals(m.name())) {
                        p.add(path, dep, "'" + m.name() + "' cannot wait for itself; remove it from after(...)");
                    } else if (!index.containsKey(dep)) {
                        p.add(path, dep, "no member of group '" + name + "' is named '" + dep + "'; members: "
                                + index.keySet() + " (a member is named after its service)");
                    } else if (!seen.add(dep)) {
                        p.add(path, dep, "'" + dep + "' is listed twice; name it once");
                    }
                }
            }
            for (List<String> cycle : cycles(index.keySet(), dependencies())) {
                p.add("group.members", String.join(" -> ", cycle), "these members wait for each other in a cycle, so none "
                        + "of them could start; remove one of the after(...) links");
            }
            p.check(concurrency >= 1, "group.concurrency", concurrency, "must be at least 1 (how many members roll out at once)");
            p.check(!approvalTimeout.isNegative() && !approvalTimeout.isZero(), "group.approvalTimeout", approvalTimeout,
                    "must be positive (how long the group waits for its approval)");
            p.throwIfAny("release group '" + name + "'");
            return new ReleaseGroup(this, waves(index.keySet(), dependencies()));
        }

        /** Each member's known dependencies (unknown names and itself left out: they are reported separately). */
        private Map<String, List<String>> dependencies() {
            Set<String> names = new LinkedHashSet<>();
            members.forEach(m -> names.add(m.name()));
            Map<String, List<String>> deps = new LinkedHashMap<>();
            for (Member m : members) {
                deps.putIfAbsent(m.name(), m.after().stream().filter(d -> names.contains(d) && !d.equals(m.name()))
                        .distinct().toList());
            }
            return deps;
        }

        /** Every cycle once (one per strongly connected component), as a path that returns to its start. */
        private static List<List<String>> cycles(Set<String> names, Map<String, List<String>> deps) {
            List<List<String>> out = new ArrayList<>();
            Map<String, Integer> component = components(names, deps);
            Map<Integer, List<String>> byComponent = new LinkedHashMap<>();
            component.forEach((n, c) -> byComponent.computeIfAbsent(c, k -> new ArrayList<>()).add(n));
            for (List<String> members : byComponent.values()) {
                if (members.size() < 2) {
                    continue;
                }
                // walk from the first member (in declaration order) along dependencies inside the component
                String start = names.stream().filter(members::contains).findFirst().orElseThrow();
                List<String> path = new ArrayList<>(List.of(start));
                String at = start;
                while (true) {
                    Integer c = component.get(at);
                    String next = deps.get(at).stream().filter(d -> component.get(d).equals(c)).findFirst().orElseThrow();
                    int seenAt = path.indexOf(next);
                    path.add(next);
                    if (seenAt >= 0) {
                        out.add(List.copyOf(path.subList(seenAt, path.size())));
                        break;
                    }
                    at = next;
                }
            }
            return out;
        }

        /** Tarjan's strongly connected components: member name -> component number. */
        private static Map<String, Integer> components(Set<String> names, Map<String, List<String>> deps) {
            Map<String, Integer> index = new HashMap<>();
            Map<String, Integer> low = new HashMap<>();
            Map<String, Integer> component = new LinkedHashMap<>();
            java.util.Deque<String> stack = new java.util.ArrayDeque<>();
            Set<String> onStack = new java.util.HashSet<>();
            int[] counter = {0, 0};
            for (String n : names) {
                if (!index.containsKey(n)) {
                    strongConnect(n, deps, index, low, component, stack, onStack, counter);
                }
            }
            return component;
        }

        private static void strongConnect(String v, Map<String, List<String>> deps, Map<String, Integer> index,
                Map<String, Integer> low, Map<String, Integer> component, java.util.Deque<String> stack, Set<String> onStack,
                int[] counter) {
            index.put(v, counter[0]);
            low.put(v, counter[0]);
            counter[0]++;
            stack.push(v);
            onStack.add(v);
            for (String w : deps.getOrDefault(v, List.of())) {
                if (!index.containsKey(w)) {
                    strongConnect(w, deps, index, low, component, stack, onStack, counter);
                    low.put(v, Math.min(low.get(v), low.get(w)));
                } else if (onStack.contains(w)) {
                    low.put(v, Math.min(low.get(v), index.get(w)));
                }
            }
            if (low.get(v).equals(index.get(v))) {
                String w;
                do {
                    w = stack.pop();
                    onStack.remove(w);
                    component.put(w, counter[1]);
                } while (!w.equals(v));
                counter[1]++;
            }
        }

        /** Longest-path layering of an acyclic dependency graph, each wave in declaration order. */
        private static List<List<String>> waves(Set<String> names, Map<String, List<String>> deps) {
            Map<String, Integer> wave = new HashMap<>();
            for (String n : names) {
                waveOf(n, deps, wave);
            }
            int count = wave.values().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
            List<List<String>> out = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int w = i;
                out.add(names.stream().filter(n -> wave.get(n) == w).toList());
            }
            return out;
        }

        private static int waveOf(String n, Map<String, List<String>> deps, Map<String, Integer> wave) {
            Integer known = wave.get(n);
            if (known != null) {
                return known;
            }
            int w = 0;
            for (String d : deps.get(n)) {
                w = Math.max(w, waveOf(d, deps, wave) + 1);
            }
            wave.put(n, w);
            return w;
        }

        @Override
        public String toString() {
            return "ReleaseGroup.Builder[" + name + ", members=" + Arrays.toString(members.stream().map(Member::name).toArray()) + "]";
        }
    }
}
