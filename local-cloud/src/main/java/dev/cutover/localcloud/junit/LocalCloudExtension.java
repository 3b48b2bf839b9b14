package dev.cutover.localcloud.junit;

import dev.cutover.localcloud.LocalCloud;
import java.lang.reflect.AnnotatedElement;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The JUnit 5 extension behind {@link LocalCloudTest}: resolves {@link LocalCloud} parameters with a
 * fresh cloud per test method and closes it afterwards. Also usable alone with
 * {@code @ExtendWith(LocalCloudExtension.class)}.
 *
 * <pre>{@code
 * @ExtendWith(LocalCloudExtension.class)
 * class MyTest {
 *     @Test void works(LocalCloud cloud) { ... }
 * }
 * }</pre>
 */
public final class LocalCloudExtension implements ParameterResolver, AfterEachCallback {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(LocalCloudExtension.class);
    private static final String KEY = "cloud";

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LocalCloud.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NS);
        return store.getOrComputeIfAbsent(KEY, k -> start(context), LocalCloud.class);
    }

    private static LocalCloud start(ExtensionContext context) {
        LocalCloudTest settings = find(context.getElement()).or(() -> context.getTestClass().flatMap(c -> find(c)))
                .orElse(null);
        LocalCloud cloud = LocalCloud.builder().seed(settings == null ? 42L : settings.seed()).start();
        if (settings != null && !settings.throttling()) {
            cloud.faults().throttling(false);
        }
        return cloud;
    }

    private static Optional<LocalCloudTest> find(Optional<? extends AnnotatedElement> element) {
        return element.flatMap(e -> find(e));
    }

    private static Optional<LocalCloudTest> find(AnnotatedElement element) {
        return Optional.ofNullable(element.getAnnotation(LocalCloudTest.class));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        LocalCloud cloud = context.getStore(NS).remove(KEY, LocalCloud.class);
        if (cloud != null) {
            cloud.close();
        }
    }
}
