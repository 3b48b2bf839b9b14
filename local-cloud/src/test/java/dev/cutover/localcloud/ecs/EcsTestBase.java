package dev.cutover.localcloud.ecs;

import dev.cutover.localcloud.LocalCloud;
import dev.cutover.localcloud.junit.LocalCloudTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import software.amazon.awssdk.services.ecs.EcsClient;

/** A fresh local cloud per test (through {@link LocalCloudTest}), an SDK client and a "prod" cluster. */
@LocalCloudTest
abstract class EcsTestBase {

    LocalCloud cloud;
    EcsClient ecs;

    @BeforeEach
    void start(LocalCloud cloud) {
        this.cloud = cloud;
        this.ecs = Ecs.client(cloud);
        ecs.createCluster(r -> r.clusterName("prod"));
    }

    @AfterEach
    void closeClient() {
        ecs.close();
    }
}
