package dev.cutover;

import dev.cutover.internal.Problems;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The Application Load Balancer of an environment in {@link TrafficMode#LOAD_BALANCER} mode: each
 * service gets a listener rule (a path or host condition, by default {@code /<service>*}) whose
 * forward action splits traffic between one target group per revision by weight; Cutover's steps
 * move the weights. With a preview header, a canary or blue/green first sends only tagged test
 * requests ({@code x-cutover-preview: 1}) to the new revision through a rule of higher priority,
 * and analyses them before any production weight.
 *
 * <p>With {@link Builder#nativeDeployments(boolean) nativeDeployments(true)} ECS moves the weights
 * instead: each service runs as one ECS service with two target groups (primary and alternate) and
 * {@code loadBalancers[].advancedConfiguration}, and the release's strategy becomes ECS's native
 * CANARY, LINEAR or BLUE_GREEN deployment, as in Service Connect mode (same plan text, same plan-time
 * refusals); ECS changes the listener rules through the {@link Builder#infrastructureRole(String)
 * infrastructure role}, and a preview header becomes the condition of ECS's test listener rule.
 *
 * <pre>{@code
 * Environment prod = Environment.named("prod").region("us-east-1")
 *     .loadBalancer(lb -> lb.name("orders-alb").create(true).listenerPort(80)
 *         .path("orders", "/orders*").preview("x-cutover-preview", "1"))
 *     .build();
 * Environment stage = Environment.named("stage").region("us-east-1").loadBalancer("shared-alb").build(); // exists already
 * Environment live = Environment.named("live").region("us-east-1")
 *     .loadBalancer(lb -> lb.name("orders-alb").nativeDeployments(true)
 *         .infrastructureRole("arn:aws:iam::123456789012:role/ecsInfrastructureRoleForLoadBalancers"))
 *     .build(); // ECS's native canary, linear and blue/green deployments
 * }</pre>
 */
public final class LoadBalancer {

    private final String name;
    private final boolean create;
    private final int listenerPort;
    private final String certificate;
    private final String previewHeader;
    private final String previewValue;
    private final Map<String, String> paths;
    private final Map<String, String> hosts;
    private final boolean nativeDeployments;
    private final String infrastructureRole;

    private LoadBalancer(Builder b) {
        this.name = b.name;
        this.create = b.create;
        this.listenerPort = b.listenerPort;
        this.certificate = b.certificate;
        this.previewHeader = b.previewHeader;
        this.previewValue = b.previewValue;
        this.paths = Collections.unmodifiableMap(new TreeMap<>(b.paths));
        this.hosts = Collections.unmodifiableMap(new TreeMap<>(b.hosts));
        this.nativeDeployments = b.nativeDeployments;
        this.infrastructureRole = b.infrastructureRole;
    }

    /** Starts a description; {@code name(...)} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** An existing load balancer, by name or ARN, with a listener on port 80. */
    public static LoadBalancer existing(String nameOrArn) {
        return builder().name(nameOrArn).build();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.name = name;
        b.create = create;
        b.listenerPort = listenerPort;
        b.certificate = certificate;
        b.previewHeader = previewHeader;
        b.previewValue = previewValue;
        b.paths.putAll(paths);
        b.hosts.putAll(hosts);
        b.nativeDeployments = nativeDeployments;
        b.infrastructureRole = infrastructureRole;
        return b;
    }

    /** The load balancer's name, or its ARN when given one. */
    public String name() {
        return name;
    }

    /** Whether Cutover creates the load balancer and its listener in bootstrap when they do not exist. */
    public boolean create() {
        return create;
    }

    /** The listener port (default 80; 443 is HTTPS and needs a certificate). */
    public int listenerPort() {
        return listenerPort;
    }

    /** The ACM certificate ARN of an HTTPS listener. */
    public Optional<String> certificate() {
        return Optional.ofNullable(certificate);
    }

    /** The header (name and value) whose requests reach a new revision before production weight, when set. */
    public Optional<Map.Entry<String, String>> preview() {
        return previewHeader == null ? Optional.empty() : Optional.of(Map.entry(previewHeader, previewValue));
    }

    /** The path pattern of {@code service}'s listener rule: its own, else {@code /<service>*} unless a host is set. */
    public Optional<String> path(String service) {
        if (paths.containsKey(service)) {
            return Optional.of(paths.get(service));
        }
        return hosts.containsKey(service) ? Optional.empty() : Optional.of("/" + service + "*");
    }

    /** The host header of {@code service}'s listener rule, when set. */
    public Optional<String> host(String service) {
        return Optional.ofNullable(hosts.get(service));
    }

    /**
     * Whether ECS's native deployments move the traffic (CANARY, LINEAR, BLUE_GREEN with an alternate
     * target group and production/test listener rules) instead of Cutover's steps (default false).
     */
    public boolean nativeDeployments() {
        return nativeDeployments;
    }

    /**
     * The ARN of the Amazon ECS infrastructure IAM role for load balancers, which ECS assumes to move
     * the listener rules' weights in a native deployment; set with {@link #nativeDeployments()}.
     */
    public Optional<String> infrastructureRole() {
        return Optional.ofNullable(infrastructureRole);
    }

    /** The settings as flat keys (a journal's layout), read back by {@link #fromMap(Map)}. */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("lb.name", name);
        m.put("lb.create", String.valueOf(create));
        m.put("lb.port", String.valueOf(listenerPort));
        if (certificate != null) {
            m.put("lb.certificate", certificate);
        }
        if (previewHeader != null) {
            m.put("lb.preview", previewHeader + ":" + previewValue);
        }
        paths.forEach((s, p) -> m.put("lb.path." + s, p));
        hosts.forEach((s, h) -> m.put("lb.host." + s, h));
        if (nativeDeployments) {
            m.put("lb.native", "true");
        }
        if (infrastructureRole != null) {
            m.put("lb.infrastructureRole", infrastructureRole);
        }
        return m;
    }

    /** The load balancer {@link #toMap()} wrote, when the map has one. */
    public static Optional<LoadBalancer> fromMap(Map<String, String> m) {
        if (m.get("lb.name") == null) {
            return Optional.empty();
        }
        Builder b = builder().name(m.get("lb.name")).create(Boolean.parseBoolean(m.get("lb.create")))
                .listenerPort(Integer.parseInt(m.getOrDefault("lb.port", "80")));
        if (m.get("lb.certificate") != null) {
            b.certificate(m.get("lb.certificate"));
        }
        if (m.get("lb.preview") != null) {
            String p = m.get("lb.preview");
            b.preview(p.substring(0, p.indexOf(':')), p.substring(p.indexOf(':') + 1));
        }
        b.nativeDeployments(Boolean.parseBoolean(m.get("lb.native")));
        if (m.get("lb.infrastructureRole") != null) {
            b.infrastructureRole(m.get("lb.infrastructureRole"));
        }
        m.forEach((k, v) -> {
            if (k.startsWith("lb.path.")) {
                b.path(k.substring("lb.path.".length()), v);
            } else if (k.startsWith("lb.host.")) {
                b.host(k.substring("lb.host.".length()), v);
            }
        });
        return Optional.of(b.buildUnchecked());
    }

    static void validate(LoadBalancer lb, String at, Problems p) {
        boolean arn = lb.name.startsWith("arn:");
        if (arn) {
            p.check(lb.name.matches("arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\\d{12}:loadbalancer/app/[^/]+/[0-9a-f]+"),
                    at + ".name", lb.name, "must be an Application Load Balancer ARN (arn:aws:elasticloadbalancing:<region>:"
                            + "<account>:loadbalancer/app/<name>/<id>) or a name");
            p.check(!lb.create, at + ".create", true, "a load balancer given by ARN exists already; give a name to create one");
        } else {
            // CreateLoadBalancer, Name: at most 32 alphanumerics or hyphens, not beginning or ending with a hyphen, not "internal-..."
            p.check(lb.name.matches("[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?") && !lb.name.startsWith("internal-"),
                    at + ".name", lb.name, "must be 1-32 letters, digits and hyphens, not beginning or ending with a hyphen "
                            + "nor with 'internal-' (ELB's rule)");
        }
        p.check(lb.listenerPort >= 1 && lb.listenerPort <= 65535, at + ".listenerPort", lb.listenerPort, "must be 1-65535");
        if (lb.listenerPort == 443 && lb.certificate == null) {
            p.add(at + ".certificate", null, "is required for an HTTPS listener on 443: .certificate(\"arn:aws:acm:...\")");
        }
        if (lb.previewHeader != null) {
            // HttpHeaderConditionConfig: header name at most 40 characters; values at most 128
            p.check(lb.previewHeader.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,40}"), at + ".preview", lb.previewHeader,
                    "the header name must be 1-40 characters of an HTTP header name, e.g. x-cutover-preview");
            p.check(!lb.previewValue.isEmpty() && lb.previewValue.length() <= 128, at + ".preview", lb.previewValue,
                    "the header value must be 1-128 characters");
        }
        lb.paths.forEach((s, path) -> p.check(path.startsWith("/") && path.length() <= 128,
                Problems.entry(at + ".paths", s), path, "must start with '/' and be at most 128 characters, e.g. /orders*"));
        lb.hosts.forEach((s, host) -> p.check(host.matches("[A-Za-z0-9*?.-]{1,128}"), Problems.entry(at + ".hosts", s), host,
                "must be a host name (letters, digits, hyphens, dots, wildcards * and ?), at most 128 characters"));
        // ECS API Reference, AdvancedConfiguration.roleArn: the role ECS assumes to call Elastic Load Balancing for a
        // BLUE_GREEN, LINEAR or CANARY deployment (ECS developer guide, "Amazon ECS infrastructure IAM role for load balancers")
        if (lb.nativeDeployments && lb.infrastructureRole == null) {
            p.add(at + ".infrastructureRole", null, "is required with nativeDeployments(true): ECS changes the listener rules "
                    + "with it; give the ARN of the Amazon ECS infrastructure role for load balancers, e.g. .infrastructureRole("
                    + "\"arn:aws:iam::123456789012:role/ecsInfrastructureRoleForLoadBalancers\")");
        }
        if (lb.infrastructureRole != null) {
            p.check(Service.ROLE_ARN.matcher(lb.infrastructureRole).matches(), at + ".infrastructureRole", lb.infrastructureRole,
                    "must be an IAM role ARN: arn:aws:iam::<12-digit account>:role/<name>");
            p.check(lb.nativeDeployments, at + ".infrastructureRole", lb.infrastructureRole, "is only used by ECS's native "
                    + "deployments; add .nativeDeployments(true), or leave the role out for Cutover's own steps");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LoadBalancer l && name.equals(l.name) && create == l.create && listenerPort == l.listenerPort
                && Objects.equals(certificate, l.certificate) && Objects.equals(previewHeader, l.previewHeader)
                && Objects.equals(previewValue, l.previewValue) && paths.equals(l.paths) && hosts.equals(l.hosts)
                && nativeDeployments == l.nativeDeployments && Objects.equals(infrastructureRole, l.infrastructureRole);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, create, listenerPort, certificate, previewHeader, previewValue, paths, hosts, nativeDeployments,
                infrastructureRole);
    }

    /** {@code orders-alb:80 (create) preview x-cutover-preview: 1 native}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name).append(':').append(listenerPort);
        if (create) {
            sb.append(" (create)");
        }
        if (previewHeader != null) {
            sb.append(" preview ").append(previewHeader).append(": ").append(previewValue);
        }
        paths.forEach((s, pth) -> sb.append(' ').append(s).append('=').append(pth));
        hosts.forEach((s, h) -> sb.append(' ').append(s).append("=host:").append(h));
        if (nativeDeployments) {
            sb.append(" native");
        }
        return sb.toString();
    }

    /** Builds a {@link LoadBalancer}. */
    public static final class Builder {
        private String name;
        private boolean create;
        private int listenerPort = 80;
        private String certificate;
        private String previewHeader;
        private String previewValue;
        private final Map<String, String> paths = new TreeMap<>();
        private final Map<String, String> hosts = new TreeMap<>();
        private boolean nativeDeployments;
        private String infrastructureRole;

        private Builder() {
        }

        /** The load balancer's name (or an existing one's ARN). Required. */
        public Builder name(String name) {
            this.name = Problems.nonNull(name, "environment.loadBalancer.name", "name the load balancer, e.g. \"orders-alb\"");
            return this;
        }

        /** Creates the load balancer and its listener in bootstrap when they do not exist (default false: they must exist). */
        public Builder create(boolean create) {
            this.create = create;
            return this;
        }

        /** The listener's port (default 80). */
        public Builder listenerPort(int port) {
            this.listenerPort = port;
            return this;
        }

        /** The ACM certificate of an HTTPS listener (port 443). */
        public Builder certificate(String certificateArn) {
            this.certificate = Problems.nonNull(certificateArn, "environment.loadBalancer.certificate", "give an ACM certificate ARN");
            return this;
        }

        /** Sends requests carrying {@code header: value} to a new revision before any production weight. */
        public Builder preview(String header, String value) {
            this.previewHeader = Problems.nonNull(header, "environment.loadBalancer.preview", "name the header, e.g. x-cutover-preview");
            this.previewValue = Problems.nonNull(value, "environment.loadBalancer.preview", "give the header's value, e.g. \"1\"");
            return this;
        }

        /** {@code preview("x-cutover-preview", "1")}. */
        public Builder preview() {
            return preview("x-cutover-preview", "1");
        }

        /** The path pattern of {@code service}'s listener rule (default {@code /<service>*}). */
        public Builder path(String service, String pattern) {
            Problems.nonNull(service, "environment.loadBalancer.paths", "name the service");
            paths.put(service, Problems.nonNull(pattern, Problems.entry("environment.loadBalancer.paths", service), "give a path pattern, e.g. /orders*"));
            return this;
        }

        /** A host header condition for {@code service}'s listener rule (with no path unless one is set). */
        public Builder host(String service, String host) {
            Problems.nonNull(service, "environment.loadBalancer.hosts", "name the service");
            hosts.put(service, Problems.nonNull(host, Problems.entry("environment.loadBalancer.hosts", service), "give a host, e.g. orders.example.com"));
            return this;
        }

        /**
         * Lets ECS move the traffic with its native deployments (default false: Cutover's steps move the
         * listener rule's weights between one target group per revision). Each service then runs as one
         * ECS service with a primary and an alternate target group, a production listener rule and, with
         * a {@link #preview(String, String) preview header}, a test listener rule; the strategy maps to
         * ECS's CANARY, LINEAR or BLUE_GREEN as in Service Connect mode. Needs {@link #infrastructureRole(String)}.
         */
        public Builder nativeDeployments(boolean nativeDeployments) {
            this.nativeDeployments = nativeDeployments;
            return this;
        }

        /**
         * The ARN of the Amazon ECS infrastructure IAM role for load balancers ({@code loadBalancers[].advancedConfiguration.roleArn}),
         * which ECS assumes to move the listener rules in a native deployment; the deployer needs
         * {@code iam:PassRole} on it (the plan's policy lists it). Required with {@link #nativeDeployments(boolean)}.
         */
        public Builder infrastructureRole(String roleArn) {
            this.infrastructureRole = Problems.nonNull(roleArn, "environment.loadBalancer.infrastructureRole",
                    "give an IAM role ARN, or leave it out");
            return this;
        }

        LoadBalancer buildUnchecked() {
            Problems.nonNull(name, "environment.loadBalancer.name", "name the load balancer, e.g. lb.name(\"orders-alb\")");
            return new LoadBalancer(this);
        }

        public LoadBalancer build() {
            LoadBalancer lb = buildUnchecked();
            Problems p = new Problems();
            validate(lb, "environment.loadBalancer", p);
            p.throwIfAny("load balancer '" + name + "'");
            return lb;
        }
    }
}
