package io.arauto.optout;

/**
 * Who put a number on Arauto's opt-out list, or took it off: the {@code source} column of
 * {@code opt_out} and {@code opt_out_history}, and of the audit events.
 */
public enum OptOutSource {
    /** The customer replied with a keyword ({@code arauto.optout.keywords}, or an opt-in keyword). */
    REPLY("reply", "the customer replied with a keyword"),
    /** The customer pressed a quick-reply button whose payload or text is a keyword. */
    BUTTON("button", "the customer pressed a quick-reply button"),
    /** Meta's marketing-messages stop ({@code user_preferences} webhook). */
    USER_PREFERENCES("user_preferences", "the customer stopped marketing messages in WhatsApp"),
    /** Meta refused a message because the user stopped marketing messages (error 131050). */
    META_131050("meta-131050", "Meta refused a message because the customer stopped marketing messages (131050)"),
    /** An operator, through the REST API. */
    OPERATOR("operator", "an operator");

    private final String wire;
    private final String plain;

    OptOutSource(String wire, String plain) {
        this.wire = wire;
        this.plain = plain;
    }

    /** The word stored and audited: {@code reply}, {@code meta-131050}. */
    public String wire() {
        return wire;
    }

    /** The source stored as {@code wire}, or null when no source is. */
    public static OptOutSource ofWire(String wire) {
        for (OptOutSource source : values()) {
            if (source.wire.equals(wire)) {
                return source;
            }
        }
        return null;
    }

    /** Who, in plain words, for the reasons people read. */
    public String plain() {
        return plain;
    }
}
