package dev.cutover.notify;

/** The body a {@link WebhookNotifier} posts. */
public enum WebhookFormat {
    /**
     * Slack's incoming-webhook body ({@code {"text": "..."}}), which Slack, Mattermost, Rocket.Chat
     * and Microsoft Teams' Slack-compatible connectors accept.
     */
    SLACK,
    /**
     * A flat JSON object for your own receiver: {@code kind}, {@code deploymentId}, {@code service},
     * {@code environment}, {@code at}, and per kind {@code version}, {@code strategy}, {@code reason},
     * {@code revision}, {@code step}, {@code timeoutSeconds}, {@code outcome}; plus {@code text}, the
     * same sentence Slack gets.
     */
    GENERIC
}
