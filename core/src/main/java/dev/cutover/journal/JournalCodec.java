package dev.cutover.journal;

import dev.cutover.internal.Json;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON-lines form of journal entries, shared by the file store and other stores. */
public final class JournalCodec {

    private JournalCodec() {
    }

    /** One line of JSON, without the newline. */
    public static String encode(JournalEntry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("deployment", e.deploymentId());
        m.put("seq", e.sequence());
        m.put("at", e.at().toString());
        m.put("type", e.type());
        m.put("data", e.data());
        return Json.write(m);
    }

    /**
     * Parses one line.
     *
     * @throws JournalException naming what is wrong
     */
    public static JournalEntry decode(String line) {
        try {
            Map<String, Object> m = Json.parseObject(line);
            Object data = m.get("data");
            Map<String, String> d = new LinkedHashMap<>();
            if (data instanceof Map<?, ?> dm) {
                dm.forEach((k, v) -> d.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
            } else if (data != null) {
                throw new IllegalArgumentException("'data' must be an object");
            }
            Object seq = m.get("seq");
            if (!(seq instanceof Number) || m.get("deployment") == null || m.get("type") == null || m.get("at") == null) {
                throw new IllegalArgumentException("missing deployment, seq, at or type");
            }
            return new JournalEntry(String.valueOf(m.get("deployment")), ((Number) seq).longValue(),
                    Instant.parse(String.valueOf(m.get("at"))), String.valueOf(m.get("type")), d);
        } catch (RuntimeException e) {
            throw new JournalException("corrupt journal line: " + e.getMessage(), e);
        }
    }
}
