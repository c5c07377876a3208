package io.arauto.api;

import java.io.IOException;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/** Lets a request to /api through only with {@code Authorization: Bearer <arauto.api.token>}; 401 otherwise, changing nothing. */
public class ApiTokenFilter extends OncePerRequestFilter {

    private static final String BEARER = "Bearer ";

    private final ApiToken token;
    private final ObjectMapper json;

    public ApiTokenFilter(ApiToken token, ObjectMapper json) {
        this.token = token;
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        boolean bearer = header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length());
        if (bearer && token.matches(header.substring(BEARER.length()).strip())) {
            chain.doFilter(request, response);
            return;
        }
        response.setStatus(HttpStatus.UNAUTHORIZED.value());
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"arauto\"");
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        json.writeValue(response.getOutputStream(), new ApiError(401, "Unauthorized", header == null
                ? "The request has no Authorization header: send 'Authorization: Bearer <token>' with the token of arauto.api.token "
                        + "(or the one Arauto generated and kept in its data folder, in the file api-token)."
                : "The Authorization header is not 'Bearer' followed by the API token (arauto.api.token, or the one kept in the "
                        + "data folder's api-token file)."));
    }
}
