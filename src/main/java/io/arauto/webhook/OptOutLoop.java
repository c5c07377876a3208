package io.arauto.webhook;

import java.time.Instant;

import org.springframework.stereotype.Component;

import io.arauto.optout.OptOutKeywords;
import io.arauto.optout.OptOutList;
import io.arauto.optout.OptOutSource;

/**
 * The webhooks' side of the opt-out loop: a reply or a quick-reply button whose text or payload is
 * an opt-out keyword puts the number on Arauto's own list (which stops its queued messages at once),
 * an opt-in keyword takes it off; Meta's marketing stop and resume do the same with their source.
 * Runs in the transaction that applies the webhook event.
 */
@Component
class OptOutLoop implements OptOutSignals {

    private final OptOutKeywords keywords;
    private final OptOutList list;

    OptOutLoop(OptOutKeywords keywords, OptOutList list) {
        this.keywords = keywords;
        this.list = list;
    }

    @Override
    public void reply(String e164, String text, String buttonPayload, Instant at) {
        OptOutSource source = buttonPayload != null ? OptOutSource.BUTTON : OptOutSource.REPLY;
        if (keywords.isOptOutKeyword(text) || keywords.isOptOutKeyword(buttonPayload)) {
            list.optOut(e164, source, said(text, buttonPayload), at);
        } else if (keywords.isOptInKeyword(text) || keywords.isOptInKeyword(buttonPayload)) {
            list.optIn(e164, source, at);
        }
    }

    @Override
    public void marketingStop(String e164, String source, Instant at) {
        list.optOut(e164, source(source), null, at);
    }

    @Override
    public void marketingResume(String e164, String source, Instant at) {
        list.optIn(e164, source(source), at);
    }

    /** What the customer sent, for the entry's detail: the text or the button's label, cut short. */
    private static String said(String text, String buttonPayload) {
        String said = text != null && !text.isBlank() ? text.strip() : buttonPayload;
        return said == null ? null : said.length() > 100 ? said.substring(0, 100) : said;
    }

    private static OptOutSource source(String wire) {
        for (OptOutSource source : OptOutSource.values()) {
            if (source.wire().equals(wire)) {
                return source;
            }
        }
        return OptOutSource.USER_PREFERENCES;
    }
}
