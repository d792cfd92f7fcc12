package io.geokv.gateway.bench;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /bench/ping}: a constant answer, so scripts/bench.sh can measure this gateway's HTTP ceiling. */
@RestController
class PingController {

    @GetMapping(value = "/bench/ping", produces = "text/plain")
    String ping() {
        return "pong";
    }
}
