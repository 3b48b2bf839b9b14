package dev.cutover;

/** Where a service's tasks run. */
public enum LaunchType {
    /** Serverless tasks; cpu and memory must be one of Fargate's sizes. */
    FARGATE,
    /** Tasks on the cluster's own instances. */
    EC2
}
