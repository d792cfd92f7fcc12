package io.geokv.gateway.problem;

import io.geokv.access.web.AccessProblems;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** The RFC 9457 problems the API answers with; each has a stable type URI a client can switch on. */
public final class Problems {

    private Problems() {}

    /** The type URI of the problem named {@code name}. */
    public static URI type(String name) {
        return AccessProblems.type(name);
    }

    public static ErrorResponseException badRequest(String type, String detail) {
        return problem(HttpStatus.BAD_REQUEST, type, detail);
    }

    public static ErrorResponseException notFound(String detail) {
        return problem(HttpStatus.NOT_FOUND, "not-found", detail);
    }

    public static ErrorResponseException tooLarge(String detail) {
        return problem(HttpStatus.CONTENT_TOO_LARGE, "value-too-large", detail);
    }

    public static ErrorResponseException preconditionFailed(String detail) {
        return problem(HttpStatus.PRECONDITION_FAILED, "precondition-failed", detail);
    }

    public static ErrorResponseException unavailable(String type, String detail) {
        return problem(HttpStatus.SERVICE_UNAVAILABLE, type, detail);
    }

    public static ErrorResponseException problem(HttpStatus status, String type, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type(type));
        return new ErrorResponseException(status, problem, null);
    }
}
