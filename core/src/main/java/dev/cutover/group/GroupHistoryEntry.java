package dev.cutover.group;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One run of a release group, as its journal recorded it.
 *
 * @param id         the group deployment's id
 * @param group      the group's name
 * @param startedAt  when it started
 * @param finishedAt when it ended, or null while it runs (or if its process died: resume it)
 * @param outcome    a {@link GroupStatus} name; {@code RUNNING} when unfinished
 * @param detail     why it ended so
 * @param members    every member as the journal last recorded it
 */
public record GroupHistoryEntry(String id, String group, Instant startedAt, Instant finishedAt, String outcome,
        String detail, List<MemberState> members) {

    public GroupHistoryEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(startedAt, "startedAt");
        detail = detail == null ? "" : detail;
        members = List.copyOf(members);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder().append(startedAt).append("  group ").append(group).append("  ").append(outcome);
        if (!detail.isEmpty()) {
            sb.append(" (").append(detail).append(')');
        }
        sb.append("  [").append(id).append(']');
        for (MemberState m : members) {
            sb.append("\n  ").append(m);
        }
        return sb.toString();
    }
}
