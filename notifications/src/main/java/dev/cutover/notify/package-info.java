/**
 * Deployment notifications: {@link dev.cutover.notify.WebhookNotifier} posts started, paused, awaiting
 * approval, promoted, rolled back and failed to a webhook (Slack-compatible or generic JSON). Deliveries
 * run off the deployment's thread and through Cutover's guarded executor, so a slow or failing webhook
 * never holds up a rollout.
 */
package dev.cutover.notify;
