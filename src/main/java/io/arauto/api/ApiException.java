package io.arauto.api;

import org.springframework.http.HttpStatus;

/** A request the API refuses, with the sentence its caller reads ({@link ApiErrors} answers it as JSON). */
public class ApiException extends RuntimeException {

    private final HttpStatus status;

    public ApiException(HttpStatus status, String message) {
        super(message);
        this.status = status;
    }

    public HttpStatus status() {
        return status;
    }

    static ApiException noCampaign(long id) {
        return new ApiException(HttpStatus.NOT_FOUND, "There is no campaign " + id + "; GET /api/campaigns lists them.");
    }
}
