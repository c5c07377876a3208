package io.arauto.webhook;

import java.time.Instant;

/**
 * What the webhooks tell the opt-out list (issue 10, point 5, package io.arauto.optout). Called
 * inside the transaction that applies the webhook event, and once per event (the event's applied
 * mark is in the same transaction): whatever the implementation writes to the ledger is committed
 * with it, or rolled back and done again with it. Phones are E.164 ({@code +5511987654321}) as Meta
 * wrote them (with or without Brazil's ninth digit).
 */
public interface OptOutSignals {

    /**
     * A customer wrote: {@code text} is the message's text or a button's label, {@code buttonPayload}
     * a quick-reply button's payload (null for a typed message). An opt-out or opt-in keyword decides.
     */
    void reply(String e164, String text, String buttonPayload, Instant at);

    /**
     * Meta says the number stopped marketing messages: {@code source} is {@code user_preferences}
     * (the customer's "stop") or {@code meta-131050} (a message failed with that code).
     */
    void marketingStop(String e164, String source, Instant at);

    /** Meta says the number takes marketing messages again ({@code user_preferences} "resume"). */
    void marketingResume(String e164, String source, Instant at);
}
