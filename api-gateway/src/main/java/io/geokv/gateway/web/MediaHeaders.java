package io.geokv.gateway.web;

import io.geokv.gateway.problem.Problems;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The request's {@code Accept} and {@code Content-Type}, parsed so that an unparsable one (no
 * subtype, a quality that is not a number, an unknown charset) is the client's error: Spring's own
 * accessors throw {@link InvalidMediaTypeException}, which would otherwise surface as a 500.
 */
public final class MediaHeaders {

    private MediaHeaders() {}

    /**
     * The media types the client accepts (empty when it says nothing). Handlers with side effects
     * call this before acting, so that a write is not applied and then answered 406.
     *
     * @throws org.springframework.web.ErrorResponseException 406 {@code invalid-accept}
     */
    public static List<MediaType> accept(ServerHttpRequest request) {
        try {
            return request.getHeaders().getAccept();
        } catch (InvalidMediaTypeException e) {
            throw Problems.problem(
                    HttpStatus.NOT_ACCEPTABLE,
                    "invalid-accept",
                    "the Accept header is not a valid list of media types: " + e.getMessage());
        }
    }

    /**
     * The body's media type, or null when the request names none.
     *
     * @throws org.springframework.web.ErrorResponseException 415 {@code invalid-content-type}
     */
    public static MediaType contentType(ServerHttpRequest request) {
        try {
            return request.getHeaders().getContentType();
        } catch (InvalidMediaTypeException e) {
            throw Problems.problem(
                    HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                    "invalid-content-type",
                    "the " + HttpHeaders.CONTENT_TYPE + " header is not a valid media type: " + e.getMessage());
        }
    }
}
