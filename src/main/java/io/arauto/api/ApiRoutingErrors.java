package io.arauto.api;

import java.io.IOException;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * An /api request no endpoint takes: a method the path does not take ({@code DELETE /api/campaigns/1}) answers 405 with the
 * methods it does take, a path that is none of the API's answers 404, both as JSON ({@link ApiError}) like the API's other
 * errors. These are found before any controller is chosen, so {@link ApiErrors} never sees them; other paths keep Spring's
 * answers.
 */
@Component
public class ApiRoutingErrors implements HandlerExceptionResolver, Ordered {

    private final ObjectMapper json;

    public ApiRoutingErrors(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 1; // after Boot's DefaultErrorAttributes, which only notes the exception
    }

    @Override
    public ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response, Object handler, Exception e) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (!path.startsWith("/api/") && !path.equals("/api")) {
            return null;
        }
        try {
            if (e instanceof HttpRequestMethodNotSupportedException wrong) {
                Set<String> allowed = new TreeSet<>();
                Set<HttpMethod> supported = wrong.getSupportedHttpMethods();
                if (supported != null) {
                    supported.forEach(m -> allowed.add(m.name()));
                }
                if (!allowed.isEmpty()) {
                    response.setHeader(HttpHeaders.ALLOW, String.join(", ", allowed));
                }
                write(response, HttpStatus.METHOD_NOT_ALLOWED, path + " does not take " + wrong.getMethod() + (allowed.isEmpty() ? "."
                        : ": it takes " + String.join(" or ", allowed) + ".") + " Every endpoint and its methods are in GET /v3/api-docs.");
                return new ModelAndView();
            }
            if (e instanceof NoResourceFoundException) {
                write(response, HttpStatus.NOT_FOUND, "There is no endpoint " + path + " in the REST API; its endpoints are in "
                        + "GET /v3/api-docs (GET /api/campaigns lists the campaigns).");
                return new ModelAndView();
            }
        } catch (IOException writing) {
            return null; // the caller went away: Spring answers as it would have
        }
        return null;
    }

    private void write(HttpServletResponse response, HttpStatus status, String message) throws IOException {
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        json.writeValue(response.getOutputStream(), new ApiError(status.value(), status.getReasonPhrase(), message));
    }
}
