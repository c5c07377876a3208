package io.arauto.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The REST API's guard: the token filter on /api/* only (the actuator, the webhooks and /v3/api-docs stay outside it); on
 * /actuator/* the same token only unlocks health's details.
 */
@Configuration(proxyBeanMethods = false)
@OpenAPIDefinition(info = @Info(title = "Arauto REST API", version = "1",
        description = "Campaigns (upload, progress, status files, cancel, pause, resume, requeue) and Arauto's opt-out list. "
                + "Every /api request needs 'Authorization: Bearer <arauto.api.token>'."))
@SecurityScheme(name = ApiConfig.BEARER, type = SecuritySchemeType.HTTP, scheme = "bearer")
public class ApiConfig {

    static final String BEARER = "bearer";

    @Bean
    FilterRegistrationBean<ApiTokenFilter> apiTokenFilter(ApiToken token, ObjectMapper json) {
        FilterRegistrationBean<ApiTokenFilter> registration = new FilterRegistrationBean<>(new ApiTokenFilter(token, json));
        registration.addUrlPatterns("/api/*");
        registration.setName("apiTokenFilter");
        return registration;
    }

    /** The actuator answers everyone, but shows health's details only to a caller with the API's token. */
    @Bean
    FilterRegistrationBean<ActuatorTokenFilter> actuatorTokenFilter(ApiToken token) {
        FilterRegistrationBean<ActuatorTokenFilter> registration = new FilterRegistrationBean<>(new ActuatorTokenFilter(token));
        registration.addUrlPatterns("/actuator/*");
        registration.setName("actuatorTokenFilter");
        return registration;
    }
}
