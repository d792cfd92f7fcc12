package io.geokv.gateway.kv.http;

import io.geokv.gateway.kv.KvProblem;
import io.geokv.gateway.problem.Problems;
import io.geokv.gateway.web.GeokvHeaders;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** The web edge of {@link KvProblem}: its kind becomes the status, its facts the problem's members and headers. */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class KvProblemHandler {

    @ExceptionHandler(KvProblem.class)
    ResponseEntity<ProblemDetail> problem(KvProblem problem) {
        HttpStatus status = status(problem.kind());
        ProblemDetail body =
                Problems.problem(status, problem.type(), problem.getMessage()).getBody();
        problem.facts().forEach(body::setProperty);
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        problem.retryAfter()
                .ifPresent(wait -> headers.set(
                        HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, (wait.toMillis() + 999) / 1000))));
        problem.contextToken().ifPresent(token -> headers.set(GeokvHeaders.CONTEXT, token));
        problem.sessionToken().ifPresent(token -> headers.set(GeokvHeaders.SESSION, token));
        return ResponseEntity.status(status).headers(headers).body(body);
    }

    static HttpStatus status(KvProblem.Kind kind) {
        return switch (kind) {
            case INVALID -> HttpStatus.BAD_REQUEST;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case PRECONDITION_FAILED -> HttpStatus.PRECONDITION_FAILED;
            case CONFLICT -> HttpStatus.CONFLICT;
            case TOO_LARGE -> HttpStatus.CONTENT_TOO_LARGE;
            case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
            case TIMEOUT -> HttpStatus.GATEWAY_TIMEOUT;
            case RATE_LIMITED -> HttpStatus.TOO_MANY_REQUESTS;
        };
    }
}
