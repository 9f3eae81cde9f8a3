package dev.jgrad.finetune.data;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Locates committed test fixtures on the classpath. */
final class Fixtures {
    private Fixtures() {}

    static Path path(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/fixtures/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing fixture " + name, e);
        }
    }
}
