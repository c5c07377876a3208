package io.arauto.api;

import java.time.Instant;

/** An entry of Arauto's opt-out list: the number, who put it there, how, and when. */
public record OptOutView(String phone, String source, String detail, Instant at) { }
