package dev.cutover.spi;

import dev.cutover.CutoverException;
import java.util.List;

/** Secret references that do not exist; the names of references only, never values. */
public final class SecretNotFoundException extends CutoverException {

    private final List<String> references;

    public SecretNotFoundException(List<String> references) {
        super("secrets not found: " + references + "; create them first or fix the references");
        this.references = List.copyOf(references);
    }

    public List<String> references() {
        return references;
    }
}
