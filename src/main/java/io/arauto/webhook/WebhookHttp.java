package io.arauto.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.observation.ServerRequestObservationContext;

import io.micrometer.observation.ObservationPredicate;

/**
 * How Meta's calls reach {@link WhatsAppWebhookController}, thousands a second under load (issue 10's benchmark):
 * <ul>
 * <li>through a servlet of their own on {@code /webhooks/whatsapp}, not Spring MVC's dispatch (no handler mapping,
 * argument resolvers or message converters looked up at every call): the body is read as the raw bytes it came as, and
 * the short plain-text answer written as bytes;</li>
 * <li>not timed as HTTP requests (no {@code http.server.requests} for them): what they do is counted where it lands (the
 * ledger, the audit). Every other request is observed as before.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
public class WebhookHttp {

    static final String PATH = "/webhooks/whatsapp";
    private static final String PLAIN_UTF8 = "text/plain;charset=UTF-8";

    @Bean
    ServletRegistrationBean<WebhookServlet> webhookServlet(WhatsAppWebhookController controller) {
        ServletRegistrationBean<WebhookServlet> registration = new ServletRegistrationBean<>(new WebhookServlet(controller), PATH);
        registration.setName("whatsAppWebhook");
        return registration;
    }

    @Bean
    ObservationPredicate webhookCallsUnobserved() {
        return (name, context) -> !(context instanceof ServerRequestObservationContext request
                && request.getCarrier().getRequestURI().startsWith(PATH));
    }

    /** {@code GET}: Meta's subscription check; {@code POST}: Meta's call, its body's bytes as they came. */
    static final class WebhookServlet extends HttpServlet {

        private final transient WhatsAppWebhookController controller;

        WebhookServlet(WhatsAppWebhookController controller) {
            this.controller = controller;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            write(controller.verify(request.getParameter("hub.mode"), request.getParameter("hub.verify_token"),
                    request.getParameter("hub.challenge")), response);
        }

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            byte[] body;
            try (InputStream in = request.getInputStream()) {
                body = in.readAllBytes();
            }
            write(controller.receive(request.getHeader(WhatsAppWebhookController.SIGNATURE), body), response);
        }

        private static void write(ResponseEntity<String> answer, HttpServletResponse response) throws IOException {
            byte[] text = answer.getBody() == null ? new byte[0] : answer.getBody().getBytes(StandardCharsets.UTF_8);
            response.setStatus(answer.getStatusCode().value());
            response.setContentType(PLAIN_UTF8);
            response.setContentLength(text.length);
            response.getOutputStream().write(text);
        }
    }
}
