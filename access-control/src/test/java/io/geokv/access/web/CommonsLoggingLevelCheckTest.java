package io.geokv.access.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;

/**
 * Spring Security logs a lazy debug message on every request; with debug off it must not be rendered
 * (the Commons Logging bridge chosen in META-INF/services; docs/performance.md, "What security costs").
 */
class CommonsLoggingLevelCheckTest {

    @Test
    void aDebugMessageIsNotRenderedWhenDebugIsOff() {
        Log log = LogFactory.getLog("org.springframework.security.web.server.authorization");
        assertThat(log.isDebugEnabled()).isFalse();
        AtomicInteger rendered = new AtomicInteger();
        Object message = new Object() {
            @Override
            public String toString() {
                rendered.incrementAndGet();
                return "rendered";
            }
        };

        log.debug(message);
        log.info(message);

        assertThat(rendered).as("rendered for info only").hasValue(1);
    }
}
