package io.geokv.gateway.admin;

import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /dashboard}: the live page (static/dashboard.html) that polls region health, lag and stats. */
@RestController
class DashboardController {

    static final String PAGE = "/dashboard.html";

    @GetMapping("/dashboard")
    ResponseEntity<Void> dashboard() {
        return ResponseEntity.status(HttpStatus.FOUND)
                .location(URI.create(PAGE))
                .build();
    }
}
