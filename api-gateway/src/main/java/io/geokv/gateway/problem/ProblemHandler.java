package io.geokv.gateway.problem;

import io.geokv.access.AccessRefusedException;
import io.geokv.gateway.routing.Failover.NoRegionAvailableException;
import io.geokv.gateway.routing.RegionRouter.UnknownRegionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.DisconnectedClientHelper;
import reactor.core.publisher.Mono;

/**
 * Turns every failure into {@code application/problem+json}. Spring's own errors (unsupported media
 * type, method not allowed, unreadable body, unknown path) come through the base class.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(UnknownRegionException.class)
    Mono<ResponseEntity<Object>> unknownRegion(UnknownRegionException e, ServerWebExchange exchange) {
        return respond(Problems.badRequest("unknown-region", e.getMessage()), exchange);
    }

    @ExceptionHandler(AccessRefusedException.class)
    Mono<ResponseEntity<Object>> refused(AccessRefusedException e, ServerWebExchange exchange) {
        return respond(Problems.problem(HttpStatus.FORBIDDEN, "forbidden", e.getMessage()), exchange);
    }

    /** Spring Security's firewall, when a handler reads a part of the request it refuses (a query parameter name). */
    @ExceptionHandler(ServerExchangeRejectedException.class)
    Mono<ResponseEntity<Object>> rejected(ServerExchangeRejectedException e, ServerWebExchange exchange) {
        return respond(Problems.badRequest("rejected-request", e.getMessage()), exchange);
    }

    @ExceptionHandler(NoRegionAvailableException.class)
    Mono<ResponseEntity<Object>> noRegion(NoRegionAvailableException e, ServerWebExchange exchange) {
        ErrorResponseException problem = Problems.unavailable("region-unavailable", e.getMessage());
        problem.getBody().setProperty("allowed_regions", e.allowed());
        return respond(problem, exchange);
    }

    @ExceptionHandler(DataBufferLimitException.class)
    Mono<ResponseEntity<Object>> tooLarge(DataBufferLimitException e, ServerWebExchange exchange) {
        return respond(Problems.tooLarge("request body is larger than this gateway accepts"), exchange);
    }

    @ExceptionHandler(DecodingException.class)
    Mono<ResponseEntity<Object>> undecodable(DecodingException e, ServerWebExchange exchange) {
        return respond(
                Problems.badRequest(
                        "malformed-json",
                        "request body is not valid JSON: "
                                + e.getMostSpecificCause().getMessage()),
                exchange);
    }

    /**
     * Some of Spring's own problems carry no detail; a client should always get a sentence. A problem
     * is always {@code application/problem+json}: left to content negotiation, an {@code Accept} such
     * as {@code text/*} would get it written as {@code text/event-stream}.
     */
    @Override
    protected Mono<ResponseEntity<Object>> handleExceptionInternal(
            Exception ex, Object body, HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
        Object problemOrBody = body == null && ex instanceof ErrorResponse response ? response.getBody() : body;
        if (!(problemOrBody instanceof ProblemDetail problem)) {
            return super.handleExceptionInternal(ex, body, headers, status, exchange);
        }
        if (problem.getDetail() == null || problem.getDetail().isBlank()) {
            problem.setDetail(
                    status.value() == HttpStatus.CONTENT_TOO_LARGE.value()
                            ? "request body is larger than this gateway accepts"
                            : ex.getMessage());
        }
        HttpHeaders problemHeaders = headers == null ? new HttpHeaders() : HttpHeaders.copyOf(headers);
        problemHeaders.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        return super.handleExceptionInternal(ex, problem, problemHeaders, status, exchange);
    }

    private Mono<ResponseEntity<Object>> respond(ErrorResponseException problem, ServerWebExchange exchange) {
        return handleExceptionInternal(
                problem, problem.getBody(), problem.getHeaders(), problem.getStatusCode(), exchange);
    }

    @ExceptionHandler(Exception.class)
    Mono<ResponseEntity<Object>> unexpected(Exception e, ServerWebExchange exchange) {
        if (DisconnectedClientHelper.isClientDisconnectedException(e)) {
            // The client went away before its answer could be written: nobody to answer, nothing failed here.
            log.debug(
                    "client of {} {} disconnected: {}",
                    exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath(),
                    e.toString());
            return Mono.empty();
        }
        log.error(
                "unexpected failure serving {} {}",
                exchange.getRequest().getMethod(),
                exchange.getRequest().getPath(),
                e);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.INTERNAL_SERVER_ERROR, "the gateway failed unexpectedly; the failure was logged");
        return Mono.just(ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem));
    }
}
