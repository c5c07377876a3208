package io.arauto.api;

import java.io.IOException;
import java.security.Principal;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Lets the actuator know who presented the REST API's token: with {@code Authorization: Bearer <arauto.api.token>} the
 * request has a principal, so {@code management.endpoint.health.show-details: when-authorized} shows the components and
 * their details (paths, disk sizes, reasons) to that caller only. Anyone else is still answered, with the status alone
 * (a load balancer's probe needs no token); nothing is refused here.
 */
public class ActuatorTokenFilter extends OncePerRequestFilter {

    private static final String BEARER = "Bearer ";
    private static final Principal OPERATOR = () -> "arauto-api-token";

    private final ApiToken token;

    public ActuatorTokenFilter(ApiToken token) {
        this.token = token;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        boolean bearer = header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length());
        if (!bearer || !token.matches(header.substring(BEARER.length()).strip())) {
            chain.doFilter(request, response);
            return;
        }
        chain.doFilter(new HttpServletRequestWrapper(request) {
            @Override
            public Principal getUserPrincipal() {
                return OPERATOR;
            }
        }, response);
    }
}
