package io.arauto.webhook;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionException;

import io.arauto.config.ArautoProperties;
import io.arauto.ledger.LedgerHealthIndicator;
import io.arauto.ledger.WebhookEvents;

/**
 * Meta's webhook: {@code GET /webhooks/whatsapp} answers the subscription check, {@code POST}
 * takes statuses, replies and preference changes. A call is checked against its signature on the
 * raw body bytes (401 when it does not match, and nothing changes), stored in the ledger (503
 * when the ledger cannot take it: Meta delivers it again later), and only then answered 200; it
 * is stored and applied in one commit, or, when applying it fails, stored alone and applied by the sweeper.
 * Served by a servlet of its own ({@link WebhookHttp}), not through Spring MVC's dispatch.
 */
@Component
public class WhatsAppWebhookController {

    private static final Logger log = LoggerFactory.getLogger(WhatsAppWebhookController.class);
    /** A call stored alone (applying it failed) is applied by the sweeper this long after it came. */
    static final Duration SWEEPER_GRACE = Duration.ofSeconds(10);
    /** The largest body the ledger's column takes (10 MiB); Meta's batches are far smaller. */
    static final int MAX_BODY = 10_485_760;
    static final String SIGNATURE = "X-Hub-Signature-256";
    static final String NO_SECRET = "arauto.webhook.app-secret is not set, so the signatures of Meta's calls cannot be checked";

    private final WebhookSignature signature;
    private final String verifyToken;
    private final WebhookEvents events;
    private final WebhookApplier applier;
    private final LedgerHealthIndicator ledger;
    private final Clock clock;
    private final String provider;

    public WhatsAppWebhookController(ArautoProperties properties, WebhookEvents events, WebhookApplier applier,
                                     LedgerHealthIndicator ledger, Clock clock) {
        String secret = properties.getWebhook().getAppSecret();
        this.signature = secret == null || secret.isEmpty() ? null : new WebhookSignature(secret);
        this.verifyToken = properties.getWebhook().getVerifyToken();
        this.events = events;
        this.applier = applier;
        this.ledger = ledger;
        this.clock = clock;
        this.provider = properties.getProvider().getType();
    }

    /** Says once, at start, when the endpoint can take nothing. */
    @EventListener(ApplicationReadyEvent.class)
    public void sayWhetherItCanTakeCalls() {
        if (signature == null) {
            String why = "The WhatsApp webhook (POST /webhooks/whatsapp) refuses every call: " + NO_SECRET
                    + ". Set it to your Meta app's secret to receive statuses and replies.";
            if ("cloud-api".equals(provider)) {
                log.warn("{} Until then messages sent through the Cloud API stay SENT.", why);
            } else {
                log.info(why);
            }
        }
    }

    /** What {@code GET} answers to Meta's subscription check with these parameters (null: absent). */
    ResponseEntity<String> verify(String mode, String token, String challenge) {
        if ("subscribe".equals(mode) && challenge != null && token != null && verifyToken != null && !verifyToken.isEmpty()
                && MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), verifyToken.getBytes(StandardCharsets.UTF_8))) {
            log.info("Meta's webhook subscription check passed");
            return ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).body(challenge);
        }
        log.warn("A webhook subscription check was refused: {}", verifyToken == null || verifyToken.isEmpty()
                ? "arauto.webhook.verify-token is not set" : "its hub.mode or hub.verify_token did not match");
        return ResponseEntity.status(HttpStatus.FORBIDDEN).contentType(MediaType.TEXT_PLAIN).body("Forbidden");
    }

    /** What {@code POST} answers to a call with this signature header (null: none) and body (its raw bytes). */
    ResponseEntity<String> receive(String header, byte[] body) {
        byte[] raw = body == null ? new byte[0] : body;
        if (signature == null) {
            return plain(HttpStatus.UNAUTHORIZED, "Refused: " + NO_SECRET + ".");
        }
        if (!signature.matches(raw, header)) {
            log.warn("A webhook call was refused: {}", header == null ? "it had no X-Hub-Signature-256 header"
                    : "its X-Hub-Signature-256 does not match its body and arauto.webhook.app-secret");
            return plain(HttpStatus.UNAUTHORIZED, "Refused: the signature does not match.");
        }
        if (raw.length > MAX_BODY) {
            log.warn("A signed webhook call of {} bytes was refused: more than the {} bytes the ledger keeps", raw.length, MAX_BODY);
            return plain(HttpStatus.PAYLOAD_TOO_LARGE, "Refused: the body is larger than " + MAX_BODY + " bytes.");
        }
        String payload = new String(raw, StandardCharsets.UTF_8);
        Instant due = clock.instant().plus(SWEEPER_GRACE);
        try {
            applier.receive(payload, due); // stored and applied in one commit
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return plain(HttpStatus.SERVICE_UNAVAILABLE, "Arauto is stopping; deliver the event again later.");
        } catch (RuntimeException e) {
            if (ledgerAway(e)) {
                ledger.failed(e);
                return plain(HttpStatus.SERVICE_UNAVAILABLE, "The ledger cannot take the event now; deliver it again later.");
            }
            // applying it failed, and the transaction took nothing: stored alone, the sweeper applies it
            return storeAlone(payload, due, e);
        }
        return plain(HttpStatus.OK, "OK");
    }

    /** Stores a call whose applying failed, for the sweeper to apply from {@code due} on; 503 when the ledger cannot take it either. */
    private ResponseEntity<String> storeAlone(String payload, Instant due, RuntimeException applying) {
        long id;
        try {
            id = events.store(WebhookEvents.META, payload, due);
        } catch (DataAccessException | TransactionException e) {
            ledger.failed(e);
            return plain(HttpStatus.SERVICE_UNAVAILABLE, "The ledger cannot take the event now; deliver it again later.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return plain(HttpStatus.SERVICE_UNAVAILABLE, "Arauto is stopping; deliver the event again later.");
        }
        log.warn("Webhook event {} is stored; applying it failed ({}) and is tried again within seconds",
                id, LedgerHealthIndicator.describe(applying));
        return plain(HttpStatus.OK, "OK");
    }

    /** The ledger is away (no connection, or a failure worth trying again later): storing the call alone would only wait again. */
    private static boolean ledgerAway(RuntimeException e) {
        return e instanceof DataAccessResourceFailureException || e instanceof TransientDataAccessException
                || e instanceof CannotCreateTransactionException;
    }

    private static ResponseEntity<String> plain(HttpStatus status, String text) {
        return ResponseEntity.status(status).contentType(MediaType.TEXT_PLAIN).body(text);
    }
}
