package dev.cutover;

import dev.cutover.internal.Problems;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where an environment's (or one service's) tasks attach: the VPC, the subnets and security groups
 * of their network interfaces, and whether they get a public IP. Every part is optional: what is
 * not set comes from the level above (service override → environment → provider default).
 *
 * <pre>{@code
 * Environment prod = Environment.named("prod").region("eu-west-1")
 *     .network(n -> n.vpc("vpc-0a1b2c3d").subnets("subnet-0a1b2c3d", "subnet-4e5f6a7b").securityGroups("sg-0a1b2c3d"))
 *     .override("edge", o -> o.network(n -> n.assignPublicIp(true).securityGroups("sg-7f6e5d4c")))
 *     .build();
 * }</pre>
 *
 * <p>A VPC, its subnets and its security groups live in one AWS Region: they belong to the
 * environment. A service override may change the subnets, security groups and public IP, not the VPC.
 */
public final class Network {

    private static final Network NONE = new Builder().build();

    private final String vpc;
    private final List<String> subnets;
    private final List<String> securityGroups;
    private final Boolean assignPublicIp;

    private Network(Builder b) {
        this.vpc = b.vpc;
        this.subnets = List.copyOf(b.subnets);
        this.securityGroups = List.copyOf(b.securityGroups);
        this.assignPublicIp = b.assignPublicIp;
    }

    /** Starts a network description. */
    public static Builder builder() {
        return new Builder();
    }

    /** A network that sets nothing (everything comes from the level above). */
    public static Network inherit() {
        return NONE;
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.vpc = vpc;
        b.subnets.addAll(subnets);
        b.securityGroups.addAll(securityGroups);
        b.assignPublicIp = assignPublicIp;
        return b;
    }

    /** The VPC id ({@code vpc-...}), e.g. of the Cloud Map private DNS namespace. */
    public Optional<String> vpc() {
        return Optional.ofNullable(vpc);
    }

    /** The subnet ids of the tasks' network interfaces (empty: not set here). */
    public List<String> subnets() {
        return subnets;
    }

    /** The security group ids of the tasks' network interfaces (empty: not set here). */
    public List<String> securityGroups() {
        return securityGroups;
    }

    /** Whether Fargate tasks get a public IP (empty: not set here). */
    public Optional<Boolean> assignPublicIp() {
        return Optional.ofNullable(assignPublicIp);
    }

    /** This network with what it does not set taken from {@code parent}. */
    public Network orElse(Network parent) {
        Objects.requireNonNull(parent, "parent");
        Builder b = toBuilder();
        if (b.vpc == null) {
            b.vpc = parent.vpc;
        }
        if (b.subnets.isEmpty()) {
            b.subnets.addAll(parent.subnets);
        }
        if (b.securityGroups.isEmpty()) {
            b.securityGroups.addAll(parent.securityGroups);
        }
        if (b.assignPublicIp == null) {
            b.assignPublicIp = parent.assignPublicIp;
        }
        return b.build();
    }

    /** Whether nothing is set. */
    public boolean isEmpty() {
        return equals(NONE);
    }

    /**
     * Adds a problem for every malformed id ({@code vpc-}, {@code subnet-}, {@code sg-} followed by 8 or
     * 17 hex digits) and for more than ECS's 16 subnets or 5 security groups per awsvpc configuration.
     */
    static void validate(Network n, String at, Problems p) {
        if (n.vpc != null) {
            p.check(isId("vpc", n.vpc), at + ".vpc", n.vpc, "must be a VPC id: vpc- and 8 or 17 hex digits");
        }
        checkIds(n.subnets, "subnet", at + ".subnets", 16, p);
        checkIds(n.securityGroups, "sg", at + ".securityGroups", 5, p);
    }

    private static void checkIds(List<String> ids, String prefix, String at, int max, Problems p) {
        p.check(ids.size() <= max, at, ids, "at most " + max + " (ECS's awsvpcConfiguration limit), got " + ids.size());
        for (int i = 0; i < ids.size(); i++) {
            p.check(isId(prefix, ids.get(i)), at + "[" + i + "]", ids.get(i), "must be an id: " + prefix
                    + "- and 8 or 17 hex digits");
        }
        p.check(ids.stream().distinct().count() == ids.size(), at, ids, "lists an id twice");
    }

    private static boolean isId(String prefix, String id) {
        return id.matches(prefix + "-([0-9a-f]{8}|[0-9a-f]{17})");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Network n && Objects.equals(vpc, n.vpc) && subnets.equals(n.subnets)
                && securityGroups.equals(n.securityGroups) && Objects.equals(assignPublicIp, n.assignPublicIp);
    }

    @Override
    public int hashCode() {
        return Objects.hash(vpc, subnets, securityGroups, assignPublicIp);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Network[");
        if (vpc != null) {
            sb.append("vpc=").append(vpc).append(", ");
        }
        if (!subnets.isEmpty()) {
            sb.append("subnets=").append(subnets).append(", ");
        }
        if (!securityGroups.isEmpty()) {
            sb.append("securityGroups=").append(securityGroups).append(", ");
        }
        if (assignPublicIp != null) {
            sb.append("assignPublicIp=").append(assignPublicIp).append(", ");
        }
        if (sb.charAt(sb.length() - 1) == ' ') {
            sb.setLength(sb.length() - 2);
        }
        return sb.append(']').toString();
    }

    /** Builds a {@link Network}. */
    public static final class Builder {
        private String vpc;
        private final List<String> subnets = new ArrayList<>();
        private final List<String> securityGroups = new ArrayList<>();
        private Boolean assignPublicIp;

        private Builder() {
        }

        /** The VPC id, e.g. {@code vpc-0a1b2c3d}. */
        public Builder vpc(String vpc) {
            this.vpc = Objects.requireNonNull(vpc, "network.vpc");
            return this;
        }

        /** The subnet ids (replaces). */
        public Builder subnets(String... subnets) {
            return subnets(java.util.Arrays.asList(Objects.requireNonNull(subnets, "network.subnets")));
        }

        /** The subnet ids (replaces). */
        public Builder subnets(List<String> subnets) {
            replace(this.subnets, subnets, "network.subnets");
            return this;
        }

        /** The security group ids (replaces). */
        public Builder securityGroups(String... groups) {
            return securityGroups(java.util.Arrays.asList(Objects.requireNonNull(groups, "network.securityGroups")));
        }

        /** The security group ids (replaces). */
        public Builder securityGroups(List<String> groups) {
            replace(this.securityGroups, groups, "network.securityGroups");
            return this;
        }

        /** Replaces {@code target}'s ids with {@code ids}, naming the path of a null one. */
        private static void replace(List<String> target, List<String> ids, String path) {
            Objects.requireNonNull(ids, path);
            for (int i = 0; i < ids.size(); i++) {
                Objects.requireNonNull(ids.get(i), path + "[" + i + "]");
            }
            target.clear();
            target.addAll(ids);
        }

        /** Whether Fargate tasks get a public IP. */
        public Builder assignPublicIp(boolean assign) {
            this.assignPublicIp = assign;
            return this;
        }

        /** The network; its ids are validated with the environment or release that uses it. */
        public Network build() {
            return new Network(this);
        }
    }
}
