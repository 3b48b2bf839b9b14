package dev.cutover.spi;

import dev.cutover.CutoverException;

/** A config write lost a check-and-set race: someone changed the entry since it was read. */
public final class ConfigConflictException extends CutoverException {

    private final String key;

    public ConfigConflictException(String key, String message) {
        super("config entry '" + key + "' changed concurrently: " + message);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
