package dev.cutover.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.Change;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.spi.DesiredState;
import dev.cutover.spi.Resource;
import dev.cutover.spi.ResourceCapability;
import dev.cutover.spi.ResourceId;
import dev.cutover.spi.ResourceType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link ResourceCapability} shares, whatever resources it owns: what it
 * creates, it observes back in the canonical attributes of {@link DesiredState} (so an unchanged
 * world plans as no-ops); updates and deletes show in the next observation; ids that do not
 * exist observe as nothing; one observe call answers a batch of existing and missing ids; and
 * applying the same change twice leaves the same state.
 *
 * <p>The kit drives the capability the way the core's planner does: it computes the desired
 * resources of a release with {@link DesiredState#of(Release)}, keeps those of
 * {@link #ownedTypes()}, calls {@link ResourceCapability#apply(Change)} with the changes a plan
 * would contain (the observed resource as {@code before}), and reads back with
 * {@link ResourceCapability#observe(List)}.
 *
 * <p>Extend one of the capability kits ({@link DiscoveryCompatibilityKit},
 * {@link ConfigCompatibilityKit}, {@link ScalingCompatibilityKit}) rather than this class. Override
 * {@link #sampleService(String)} when your provider needs other names or sizes, and
 * {@link #prepareWorld(Release)} when its resources need something it does not own to exist
 * first (for example an ECS service before an Application Auto Scaling target).
 */
public abstract class ResourceCapabilityKit extends KitFixture {

    /** The capability under test, taken from {@link #provider} before each test. */
    protected ResourceCapability capability;

    /** The capability under test, from the started {@link #provider} (or fail saying it is not offered). */
    protected abstract ResourceCapability capabilityUnderTest();

    /** The resource types this capability owns (and the kit creates, observes and deletes). */
    protected abstract Set<ResourceType> ownedTypes();

    @BeforeEach
    void resourceCapability() {
        capability = capabilityUnderTest();
    }

    /**
     * The kit's sample service, named {@code name}: with configuration entries and auto scaling, so
     * every service-level resource type exists.
     */
    protected Service sampleService(String name) {
        return Service.named(name).image("registry.example.com/" + name + ":1.0.0").port(8080).cpu(256).memoryMiB(512)
                .config("pool.size", "20").config("feature.checkout-v2", "on")
                .scaling(s -> s.min(2).max(10).targetCpuPercent(60))
                .build();
    }

    /**
     * The sample service with every attribute the capabilities own changed: other config entries
     * (one changed, one removed, one added), another port and other scaling bounds.
     */
    protected Service changedService(Service s) {
        return s.toBuilder().port(9090).config(Map.of("pool.size", "40", "timeout", "2s"))
                .scaling(sc -> sc.min(3).max(12).targetCpuPercent(50)).build();
    }

    /** A release of {@code service} to the kit's {@link #environment()}. */
    protected Release releaseOf(Service service) {
        return Release.of(service).to(environment()).build();
    }

    /**
     * Makes what the capability's resources depend on but do not own exist (default: nothing).
     * Called once per release before the kit creates its resources.
     */
    protected void prepareWorld(Release release) {
    }

    /** The desired resources of {@code release} that this capability owns, in creation order. */
    protected List<Resource> owned(Release release) {
        return DesiredState.of(release).stream().filter(r -> ownedTypes().contains(r.id().type())).toList();
    }

    /** Announces the releases to the provider ({@code Provider.prepare}), as the core does before observing. */
    protected void announce(List<Release> releases) {
        provider.prepare(releases);
    }

    /** Creates every owned resource of {@code release} that does not exist yet, as applying a first plan would. */
    protected List<Resource> create(Release release) {
        prepareWorld(release);
        List<Resource> wanted = owned(release);
        Map<ResourceId, Resource> seen = observeById(wanted.stream().map(Resource::id).toList());
        for (Resource want : wanted) {
            if (!seen.containsKey(want.id())) {
                capability.apply(new Change(want.id(), Change.Action.CREATE, null, want, "kit: create"));
            }
        }
        return wanted;
    }

    /** Observes {@code ids} in one call and indexes the answer by id. */
    protected Map<ResourceId, Resource> observeById(List<ResourceId> ids) {
        Map<ResourceId, Resource> out = new TreeMap<>();
        for (Resource r : capability.observe(ids)) {
            assertThat(ids).as("observe answered an id it was not asked for").contains(r.id());
            assertThat(out.put(r.id(), r)).as("observe answered %s twice", r.id()).isNull();
        }
        return out;
    }

    /** The attributes as plain values, for comparison (sensitivity is compared separately). */
    protected static Map<String, String> values(Resource r) {
        Map<String, String> out = new TreeMap<>();
        r.attributes().forEach((k, v) -> out.put(k, v.value()));
        return out;
    }

    private static List<ResourceId> ids(List<Resource> resources) {
        return resources.stream().map(Resource::id).toList();
    }

    private void assertObservedAsDesired(List<Resource> desired) {
        Map<ResourceId, Resource> seen = observeById(ids(desired));
        for (Resource want : desired) {
            assertThat(seen).as("observe after apply: %s", want.id()).containsKey(want.id());
            assertThat(values(seen.get(want.id()))).as("canonical attributes of %s", want.id()).isEqualTo(values(want));
        }
    }

    @Test
    void createdResourcesObserveInTheCanonicalAttributes() {
        Release r = releaseOf(sampleService("kit-svc"));
        announce(List.of(r));
        List<Resource> desired = owned(r);
        assertThat(desired).as("the sample release asks for resources of %s", ownedTypes()).isNotEmpty();
        create(r);
        assertObservedAsDesired(desired);
    }

    @Test
    void anUpdateShowsInTheNextObservation() {
        Release before = releaseOf(sampleService("kit-svc"));
        Release after = releaseOf(changedService(before.service()));
        announce(List.of(after));
        create(before);
        Map<ResourceId, Resource> seen = observeById(ids(owned(before)));
        int updates = 0;
        for (Resource want : owned(after)) {
            Resource have = seen.get(want.id());
            if (have == null) {
                capability.apply(new Change(want.id(), Change.Action.CREATE, null, want, "kit: create"));
            } else if (!values(have).equals(values(want))) {
                capability.apply(new Change(want.id(), Change.Action.UPDATE, have, want.withRef(have.ref()), "kit: update"));
                updates++;
            }
        }
        assertThat(updates).as("the changed sample service updates at least one %s resource", ownedTypes()).isPositive();
        assertObservedAsDesired(owned(after));
    }

    @Test
    void aDeletedResourceObservesAsNothing() {
        Release r = releaseOf(sampleService("kit-svc"));
        announce(List.of(r));
        create(r);
        List<Resource> serviceLevel = owned(r).stream().filter(res -> !res.id().type().isEnvironmentLevel()).toList();
        assertThat(serviceLevel).as("the sample release has service-level %s resources", ownedTypes()).isNotEmpty();
        Map<ResourceId, Resource> seen = observeById(ids(serviceLevel));
        for (Resource res : serviceLevel) {
            capability.apply(new Change(res.id(), Change.Action.DELETE, seen.get(res.id()), null, "kit: delete"));
        }
        assertThat(capability.observe(ids(serviceLevel))).isEmpty();
    }

    @Test
    void applyingTheSameChangeTwiceLeavesTheSameState() {
        Release r = releaseOf(sampleService("kit-svc"));
        announce(List.of(r));
        for (Resource want : create(r)) {
            capability.apply(new Change(want.id(), Change.Action.CREATE, null, want, "kit: create again"));
        }
        assertObservedAsDesired(owned(r));
        List<Resource> serviceLevel = owned(r).stream().filter(res -> !res.id().type().isEnvironmentLevel()).toList();
        Map<ResourceId, Resource> seen = observeById(ids(serviceLevel));
        for (int i = 0; i < 2; i++) {
            for (Resource res : serviceLevel) {
                capability.apply(new Change(res.id(), Change.Action.DELETE, seen.get(res.id()), null, "kit: delete"));
            }
        }
        assertThat(capability.observe(ids(serviceLevel))).isEmpty();
    }

    @Test
    void idsThatDoNotExistObserveAsNothing() {
        Release never = releaseOf(sampleService("kit-never-deployed"));
        announce(List.of(never));
        List<ResourceId> ids = new ArrayList<>(ids(owned(never)).stream().filter(id -> !id.type().isEnvironmentLevel()).toList());
        assertThat(capability.observe(ids)).isEmpty();
        assertThat(capability.observe(List.of())).isEmpty();
    }

    /** How many services the batch test deploys (default: up to 20, within {@link ResourceCapability#observeBatchSize()}). */
    protected int batchServices() {
        int perService = Math.max(1, owned(releaseOf(sampleService("kit-svc"))).size());
        return Math.max(2, Math.min(20, capability.observeBatchSize() / (2 * perService)));
    }

    @Test
    void oneObserveCallAnswersABatchOfExistingAndMissingIds() {
        int n = batchServices();
        List<Release> releases = new ArrayList<>();
        for (int i = 0; i < 2 * n; i++) {
            releases.add(releaseOf(sampleService("kit-batch-" + i)));
        }
        announce(releases);
        Map<ResourceId, Resource> expected = new LinkedHashMap<>();
        List<ResourceId> ask = new ArrayList<>();
        for (int i = 0; i < releases.size(); i++) {
            Release r = releases.get(i);
            if (i % 2 == 0) {
                for (Resource res : create(r)) {
                    expected.put(res.id(), res);
                }
            }
            for (Resource res : owned(r)) {
                if (!ask.contains(res.id())) {
                    ask.add(res.id());
                }
            }
        }
        assertThat(ask.size()).as("batch size").isLessThanOrEqualTo(capability.observeBatchSize());
        Map<ResourceId, Resource> seen = observeById(ask);
        assertThat(seen.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((id, want) -> assertThat(values(seen.get(id))).as("attributes of %s", id).isEqualTo(values(want)));
    }
}
