package dev.cutover.localcloud.internal.autoscaling;

import dev.cutover.localcloud.internal.aws.Scoped;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.localcloud.AutoScaling;
import dev.cutover.localcloud.internal.aws.AwsError;
import dev.cutover.localcloud.internal.aws.AwsJson;
import dev.cutover.localcloud.internal.aws.AwsServer;
import dev.cutover.localcloud.internal.aws.JsonProtocolService;
import dev.cutover.localcloud.internal.aws.Page;
import dev.cutover.localcloud.internal.aws.RequestReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Application Auto Scaling (JSON 1.1 target {@code AnyScaleFrontendService}) on the local cloud,
 * for ECS services: RegisterScalableTarget, DescribeScalableTargets, DeregisterScalableTarget,
 * PutScalingPolicy, DescribeScalingPolicies and DeleteScalingPolicy.
 *
 * <p>Validation follows AWS for the {@code ecs} namespace: resource id
 * {@code service/<cluster>/<service>}, dimension {@code ecs:service:DesiredCount}, min and max
 * capacity both given for a new target with min &lt;= max, a target-tracking policy with a target
 * value and exactly one metric specification (predefined ECS metrics:
 * {@code ECSServiceAverageCPUUtilization}, {@code ECSServiceAverageMemoryUtilization},
 * {@code ALBRequestCountPerTarget} with a resource label). Other namespaces are rejected with a
 * {@code ValidationException} because only ECS is emulated.
 *
 * <pre>{@code
 * Optional<AutoScaling.Capacity> c = cloud.autoScaling().capacity("service/prod/orders");
 * c.ifPresent(cap -> clamp(desired, cap.min(), cap.max()));
 * }</pre>
 */
public final class AutoScalingEmulator implements JsonProtocolService, AutoScaling {

    private static final Set<String> NAMESPACES = Set.of("ecs", "elasticmapreduce", "ec2", "appstream", "dynamodb",
            "rds", "sagemaker", "custom-resource", "comprehend", "lambda", "cassandra", "kafka", "elasticache",
            "neptune", "workspaces");
    private static final String DIMENSION = "ecs:service:DesiredCount";
    private static final Pattern ECS_RESOURCE = Pattern.compile("service/[A-Za-z0-9_-]{1,255}/[A-Za-z0-9_-]{1,255}");
    private static final Set<String> ECS_METRICS = Set.of("ECSServiceAverageCPUUtilization",
            "ECSServiceAverageMemoryUtilization", "ALBRequestCountPerTarget");
    private static final Set<String> POLICY_TYPES = Set.of("StepScaling", "TargetTrackingScaling", "PredictiveScaling");

    private static final class Target {
        String resourceId;
        int min;
        int max;
        String roleArn;
        String arn;
        Instant created;
        ObjectNode suspended;
    }

    private static final class Policy {
        String name;
        String resourceId;
        String arn;
        String type;
        ObjectNode config;
        String configField;
        ArrayNode alarms;
        Instant created;
    }

    private final Clock clock;
    private final Random random;
    private final Map<String, Target> targets = new LinkedHashMap<>();
    private final Map<String, Policy> policies = new LinkedHashMap<>();
    private volatile EcsServices ecsServices;
    private volatile Duration visibilityDelay = Duration.ofSeconds(5);
    private volatile boolean requireEcsServices = true;

    /** Creates the emulator; timestamps come from {@code clock}, ids from {@code seed}. */
    /** The account and Region whose resources this instance keeps (their ARNs say so). */
    private volatile Scoped.Scope scope = Scoped.Scope.DEFAULT;

    public AutoScalingEmulator scope(Scoped.Scope scope) {
        this.scope = Objects.requireNonNull(scope, "scope");
        return this;
    }

    public AutoScalingEmulator(Clock clock, long seed) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = new Random(seed);
    }

    @Override
    public String targetPrefix() {
        return "AnyScaleFrontendService";
    }

    @Override
    public String serviceName() {
        return "application-autoscaling";
    }

    /** What sets an ECS service's desired count: {@code (resourceId service/<cluster>/<service>, count)}. */
    private volatile java.util.function.ObjIntConsumer<String> scaler;

    /** Wires scaling activities to the ECS emulator (the local cloud does this once at start). */
    public void scaler(java.util.function.ObjIntConsumer<String> scaler) {
        this.scaler = Objects.requireNonNull(scaler, "scaler");
    }

    @Override
    public int scaleTo(String resourceId, int desiredCount) {
        Capacity c = capacity(resourceId).orElseThrow(() -> new IllegalStateException(
                "no scalable target is registered for " + resourceId + "; the autoscaler scales only registered targets"));
        int count = Math.max(c.min(), Math.min(c.max(), desiredCount));
        java.util.function.ObjIntConsumer<String> s = scaler;
        if (s == null) {
            throw new IllegalStateException("this Application Auto Scaling emulator is not wired to an ECS emulator");
        }
        s.accept(resourceId, count);
        return count;
    }

    @Override
    public synchronized Optional<Capacity> capacity(String resourceId) {
        Target t = targets.get(Objects.requireNonNull(resourceId, "resourceId"));
        return t == null ? Optional.empty() : Optional.of(new Capacity(t.min, t.max));
    }

    @Override
    public ObjectNode handle(String operation, ObjectNode request) {
        return handle(operation, request, AwsServer.RequestContext.defaults());
    }

    /** When ECS created an ACTIVE service ({@code region}, {@code cluster}, {@code service}), if it has it. */
    @FunctionalInterface
    public interface EcsServices {
        Optional<Instant> createdAt(String region, String cluster, String service);
    }

    /** Connects the local ECS, so that RegisterScalableTarget sees which services exist (null: none). */
    public void ecsServices(EcsServices services) {
        this.ecsServices = services;
    }

    @Override
    public void ecsServiceVisibilityDelay(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative, was " + delay);
        }
        this.visibilityDelay = delay;
    }

    @Override
    public void requireEcsServices(boolean require) {
        this.requireEcsServices = require;
    }

    @Override
    public ObjectNode handle(String operation, ObjectNode body, AwsServer.RequestContext context) {
        if (operation.equals("RegisterScalableTarget")) {
            // asked outside this emulator's lock: ECS takes its own
            checkEcsServiceVisible(body, context.region());
        }
        synchronized (this) {
            return dispatch(operation, body, context);
        }
    }

    /**
     * AWS answers RegisterScalableTarget for an ECS service it cannot see with
     * {@code ValidationException: ECS service doesn't exist: service/<cluster>/<service>}: for a service
     * that does not exist, and for a short while after CreateService, because Application Auto Scaling
     * sees ECS eventually (hashicorp/terraform-provider-aws#11693 retries exactly this answer "for ECS
     * eventual consistency"; AWS-FACTS.md). The while is {@link #ecsServiceVisibilityDelay} of the
     * cloud's clock, so tests see it deterministically. Malformed resource ids are left to the
     * format check below.
     */
    private void checkEcsServiceVisible(ObjectNode body, String region) {
        EcsServices services = this.ecsServices;
        String resourceId = body.path("ResourceId").asText("");
        if (services == null || !requireEcsServices || !"ecs".equals(body.path("ServiceNamespace").asText())
                || !ECS_RESOURCE.matcher(resourceId).matches()) {
            return;
        }
        String[] parts = resourceId.split("/");
        Optional<Instant> created = services.createdAt(region, parts[1], parts[2]);
        if (created.isEmpty() || clock.instant().isBefore(created.get().plus(visibilityDelay))) {
            throw validation("ECS service doesn't exist: " + resourceId);
        }
    }

    private ObjectNode dispatch(String operation, ObjectNode body, AwsServer.RequestContext context) {
        RequestReader req = RequestReader.of(body, AutoScalingEmulator::validation);
        return switch (operation) {
            case "RegisterScalableTarget" -> register(req, context.region());
            case "DescribeScalableTargets" -> describeTargets(req);
            case "DeregisterScalableTarget" -> deregister(req);
            case "PutScalingPolicy" -> putPolicy(req, context.region());
            case "DescribeScalingPolicies" -> describePolicies(req);
            case "DeleteScalingPolicy" -> deletePolicy(req);
            default -> throw AwsError.badRequest("UnknownOperationException",
                    "The local cloud's Application Auto Scaling does not support " + operation);
        };
    }

    // ---------------------------------------------------------------- targets

    private ObjectNode register(RequestReader req, String region) {
        String resourceId = resource(req, true);
        Integer min = req.optInt("MinCapacity", 0, Integer.MAX_VALUE);
        Integer max = req.optInt("MaxCapacity", 0, Integer.MAX_VALUE);
        String role = req.optString("RoleARN", 1600);
        RequestReader suspended = req.optObject("SuspendedState");
        req.stringMap("Tags", 200);
        Target t = targets.get(resourceId);
        if (t == null && (min == null || max == null)) {
            throw validation("MinCapacity and MaxCapacity are required for registering a new scalable target");
        }
        int newMin = min != null ? min : t.min;
        int newMax = max != null ? max : t.max;
        if (newMin > newMax) {
            throw validation("Minimum capacity cannot be greater than maximum capacity");
        }
        if (t == null) {
            t = new Target();
            t.resourceId = resourceId;
            t.arn = "arn:aws:application-autoscaling:" + region + ":" + scope.account() + ":scalable-target/0e"
                    + HexFormat.of().formatHex(bytes(15));
            t.created = clock.instant();
            t.roleArn = "arn:aws:iam::" + scope.account() + ":role/aws-service-role/ecs.application-autoscaling.amazonaws.com/"
                    + "AWSServiceRoleForApplicationAutoScaling_ECSService";
            targets.put(resourceId, t);
        }
        t.min = newMin;
        t.max = newMax;
        if (role != null) {
            t.roleArn = role;
        }
        if (suspended != null) {
            suspended.optBool("DynamicScalingInSuspended");
            suspended.optBool("DynamicScalingOutSuspended");
            suspended.optBool("ScheduledScalingSuspended");
            t.suspended = ((ObjectNode) suspended.json()).deepCopy();
        }
        return AwsJson.object().put("ScalableTargetARN", t.arn);
    }

    private ObjectNode describeTargets(RequestReader req) {
        namespace(req);
        List<String> ids = req.strings("ResourceIds", 50);
        String dimension = req.optEnum("ScalableDimension", Set.of(DIMENSION));
        List<Target> all = targets.values().stream()
                .filter(t -> ids.isEmpty() || ids.contains(t.resourceId))
                .filter(t -> dimension == null || dimension.equals(DIMENSION))
                .toList();
        Page<Target> page = page(req, all);
        ObjectNode out = AwsJson.object();
        ArrayNode items = out.putArray("ScalableTargets");
        for (Target t : page.items()) {
            ObjectNode n = items.addObject();
            n.put("ServiceNamespace", "ecs");
            n.put("ResourceId", t.resourceId);
            n.put("ScalableDimension", DIMENSION);
            n.put("MinCapacity", t.min);
            n.put("MaxCapacity", t.max);
            n.put("RoleARN", t.roleArn);
            AwsJson.putTime(n, "CreationTime", t.created);
            ObjectNode suspended = t.suspended != null ? t.suspended.deepCopy() : AwsJson.object();
            for (String f : List.of("DynamicScalingInSuspended", "DynamicScalingOutSuspended", "ScheduledScalingSuspended")) {
                if (!suspended.has(f)) {
                    suspended.put(f, false);
                }
            }
            n.set("SuspendedState", suspended);
            n.put("ScalableTargetARN", t.arn);
        }
        AwsJson.putIfNotNull(out, "NextToken", page.nextToken());
        return out;
    }

    private ObjectNode deregister(RequestReader req) {
        String resourceId = resource(req, true);
        if (targets.remove(resourceId) == null) {
            throw notFound("No scalable target registered for service namespace: ecs, resource ID: " + resourceId
                    + ", scalable dimension: " + DIMENSION);
        }
        policies.values().removeIf(p -> p.resourceId.equals(resourceId));
        return AwsJson.object();
    }

    // ---------------------------------------------------------------- policies

    private ObjectNode putPolicy(RequestReader req, String region) {
        String name = req.string("PolicyName", 256);
        String resourceId = resource(req, true);
        String type = req.optEnum("PolicyType", POLICY_TYPES);
        type = type == null ? "StepScaling" : type;
        String field = switch (type) {
            case "TargetTrackingScaling" -> "TargetTrackingScalingPolicyConfiguration";
            case "PredictiveScaling" -> "PredictiveScalingPolicyConfiguration";
            default -> "StepScalingPolicyConfiguration";
        };
        RequestReader config = req.optObject(field);
        if (config == null) {
            throw validation(field + " is required for a policy of type " + type);
        }
        if (type.equals("TargetTrackingScaling")) {
            validateTargetTracking(config);
        }
        Target t = targets.get(resourceId);
        if (t == null) {
            throw notFound("No scalable target registered for service namespace: ecs, resource ID: " + resourceId
                    + ", scalable dimension: " + DIMENSION);
        }
        String key = resourceId + "|" + name;
        Policy p = policies.get(key);
        if (p == null) {
            p = new Policy();
            p.name = name;
            p.resourceId = resourceId;
            p.arn = "arn:aws:autoscaling:" + region + ":" + scope.account() + ":scalingPolicy:" + uuid()
                    + ":resource/ecs/" + resourceId + ":policyName/" + name;
            p.created = clock.instant();
            policies.put(key, p);
        }
        p.type = type;
        p.configField = field;
        p.config = ((ObjectNode) config.json()).deepCopy();
        p.alarms = AwsJson.array();
        if (type.equals("TargetTrackingScaling")) {
            for (String which : List.of("AlarmHigh", "AlarmLow")) {
                String alarm = "TargetTracking-" + resourceId + "-" + which + "-" + uuid();
                p.alarms.addObject().put("AlarmName", alarm)
                        .put("AlarmARN", "arn:aws:cloudwatch:" + region + ":" + scope.account() + ":alarm:" + alarm);
            }
        }
        ObjectNode out = AwsJson.object().put("PolicyARN", p.arn);
        out.set("Alarms", p.alarms.deepCopy());
        return out;
    }

    private static void validateTargetTracking(RequestReader config) {
        Double target = config.optDouble("TargetValue");
        if (target == null) {
            config.require("TargetValue");
        } else if (!(target > 0)) {
            throw validation("TargetValue must be greater than 0");
        }
        config.optInt("ScaleOutCooldown", 0, 86400);
        config.optInt("ScaleInCooldown", 0, 86400);
        config.optBool("DisableScaleIn");
        RequestReader predefined = config.optObject("PredefinedMetricSpecification");
        RequestReader customized = config.optObject("CustomizedMetricSpecification");
        if ((predefined == null) == (customized == null)) {
            throw validation("Exactly one of PredefinedMetricSpecification or CustomizedMetricSpecification must be specified");
        }
        if (predefined != null) {
            String metric = predefined.string("PredefinedMetricType", 256);
            if (!ECS_METRICS.contains(metric)) {
                throw validation("Invalid PredefinedMetricType " + metric + " for service namespace ecs; valid: " + ECS_METRICS);
            }
            String label = predefined.optString("ResourceLabel", 1023);
            if (metric.equals("ALBRequestCountPerTarget") && label == null) {
                throw validation("ResourceLabel is required for PredefinedMetricType ALBRequestCountPerTarget");
            }
        } else if (!customized.has("Metrics")) {
            customized.string("MetricName", 255);
            customized.string("Namespace", 255);
            customized.optEnum("Statistic", Set.of("Average", "Minimum", "Maximum", "SampleCount", "Sum"));
        }
    }

    private ObjectNode describePolicies(RequestReader req) {
        namespace(req);
        List<String> names = req.strings("PolicyNames", 50);
        String resourceId = req.optString("ResourceId", 1600);
        String dimension = req.optEnum("ScalableDimension", Set.of(DIMENSION));
        if (dimension != null && resourceId == null) {
            throw validation("ResourceId must be specified when ScalableDimension is specified");
        }
        List<Policy> all = policies.values().stream()
                .filter(p -> names.isEmpty() || names.contains(p.name))
                .filter(p -> resourceId == null || resourceId.equals(p.resourceId))
                .toList();
        Page<Policy> page = page(req, all);
        ObjectNode out = AwsJson.object();
        ArrayNode items = out.putArray("ScalingPolicies");
        for (Policy p : page.items()) {
            ObjectNode n = items.addObject();
            n.put("PolicyARN", p.arn);
            n.put("PolicyName", p.name);
            n.put("ServiceNamespace", "ecs");
            n.put("ResourceId", p.resourceId);
            n.put("ScalableDimension", DIMENSION);
            n.put("PolicyType", p.type);
            n.set(p.configField, p.config.deepCopy());
            n.set("Alarms", p.alarms.deepCopy());
            AwsJson.putTime(n, "CreationTime", p.created);
        }
        AwsJson.putIfNotNull(out, "NextToken", page.nextToken());
        return out;
    }

    private ObjectNode deletePolicy(RequestReader req) {
        String name = req.string("PolicyName", 256);
        String resourceId = resource(req, true);
        if (policies.remove(resourceId + "|" + name) == null) {
            throw notFound("No scaling policy found for service namespace: ecs, resource ID: " + resourceId
                    + ", scalable dimension: " + DIMENSION + ", policy name: " + name);
        }
        return AwsJson.object();
    }

    // ---------------------------------------------------------------- helpers

    private static void namespace(RequestReader req) {
        String ns = req.requiredEnum("ServiceNamespace", NAMESPACES);
        if (!ns.equals("ecs")) {
            throw validation("The local cloud emulates Application Auto Scaling for the ecs namespace only, not " + ns);
        }
    }

    /** Validates namespace, resource id and dimension; returns the resource id. */
    private static String resource(RequestReader req, boolean dimensionRequired) {
        namespace(req);
        String resourceId = req.string("ResourceId", 1600);
        String dimension = dimensionRequired ? req.string("ScalableDimension", 256) : req.optString("ScalableDimension", 256);
        if (!ECS_RESOURCE.matcher(resourceId).matches()) {
            throw validation("Unsupported resource ID " + resourceId + "; an ECS service is service/<cluster>/<service>");
        }
        if (dimension != null && !dimension.equals(DIMENSION)) {
            throw validation("Unsupported scalable dimension " + dimension + " for service namespace ecs; use " + DIMENSION);
        }
        return resourceId;
    }

    private static <T> Page<T> page(RequestReader req, List<T> all) {
        Integer max = req.optInt("MaxResults", 1, 50);
        String token = req.optString("NextToken", 2048);
        return Page.of(all, token, max == null ? 50 : max,
                () -> AwsError.badRequest("InvalidNextTokenException", "The NextToken is invalid"));
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private String uuid() {
        return new UUID(random.nextLong(), random.nextLong()).toString();
    }

    private static AwsError validation(String message) {
        return AwsError.badRequest("ValidationException", message);
    }

    private static AwsError notFound(String message) {
        return AwsError.badRequest("ObjectNotFoundException", message);
    }
}
