package dev.cutover.junit;

import dev.cutover.Cutover;
import dev.cutover.aws.AwsProvider;
import dev.cutover.localcloud.LocalCloud;
import dev.cutover.time.VirtualScheduler;
import java.lang.reflect.AnnotatedElement;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The JUnit 5 extension behind {@link CutoverTest}: one {@link LocalCutover} per test method, started
 * when a parameter first asks for it and closed after the test. Registered by the annotation, or in
 * code when the test needs more wiring:
 *
 * <pre>{@code
 * @RegisterExtension
 * static CutoverExtension cutover = CutoverExtension.with(w -> w.consul(true).cutover(c -> c.listener(events::add)));
 * }</pre>
 *
 * Use either the annotation or a code-registered extension on a class, not both: two extensions would
 * compete to resolve the same parameters.
 */
public final class CutoverExtension implements ParameterResolver, AfterEachCallback {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(CutoverExtension.class);
    private static final String KEY = "world";
    private static final Set<Class<?>> RESOLVED = Set.of(LocalCutover.class, Cutover.class, LocalCloud.class,
            AwsProvider.class, VirtualScheduler.class);

    private final Consumer<LocalCutover.Builder> customizer;

    /** The extension as {@link CutoverTest} registers it: only the annotation's settings. */
    public CutoverExtension() {
        this(b -> { });
    }

    private CutoverExtension(Consumer<LocalCutover.Builder> customizer) {
        this.customizer = customizer;
    }

    /** An extension whose worlds are further customized by {@code customizer} (after any {@link CutoverTest} settings). */
    public static CutoverExtension with(Consumer<LocalCutover.Builder> customizer) {
        return new CutoverExtension(Objects.requireNonNull(customizer, "customizer"));
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return RESOLVED.contains(parameter.getParameter().getType());
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        LocalCutover world = context.getStore(NS).getOrComputeIfAbsent(KEY, k -> start(context), LocalCutover.class);
        Class<?> type = parameter.getParameter().getType();
        if (type == Cutover.class) {
            return world.cutover();
        }
        if (type == LocalCloud.class) {
            return world.cloud();
        }
        if (type == AwsProvider.class) {
            return world.aws();
        }
        if (type == VirtualScheduler.class) {
            return world.time();
        }
        return world;
    }

    private LocalCutover start(ExtensionContext context) {
        LocalCutover.Builder b = LocalCutover.builder();
        find(context.getElement()).or(() -> context.getTestClass().flatMap(c -> find(Optional.of(c)))).ifPresent(s ->
                b.seed(s.seed()).throttling(s.throttling()).consul(s.consul()).datadog(s.datadog()));
        customizer.accept(b);
        return b.start();
    }

    private static Optional<CutoverTest> find(Optional<? extends AnnotatedElement> element) {
        return element.map(e -> e.getAnnotation(CutoverTest.class));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        LocalCutover world = context.getStore(NS).remove(KEY, LocalCutover.class);
        if (world != null) {
            world.close();
        }
    }
}
