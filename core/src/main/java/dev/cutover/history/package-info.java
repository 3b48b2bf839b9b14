/**
 * History, resume and rollback from the journal: {@link dev.cutover.history.History} reads what
 * ran where and why it ended; {@link dev.cutover.history.Recovery} continues a deployment whose
 * process died and returns a service to its previous revision. Machinery, not API.
 */
package dev.cutover.history;
