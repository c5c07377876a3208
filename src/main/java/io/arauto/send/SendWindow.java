package io.arauto.send;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberToTimeZonesMapper;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import org.springframework.stereotype.Component;

import io.arauto.config.ArautoProperties;

/**
 * {@code arauto.send.window}: the hours of the day when a message may leave, in the recipient's
 * local time as libphonenumber's time-zone mapper tells it from the number. A number that maps to
 * several zones goes only when the window is open in all of them; when it never is at once (zones
 * too far apart for the window), or the number tells no zone, {@code arauto.send.default-time-zone}
 * decides.
 */
@Component
public class SendWindow {

    private static final Pattern FORMAT = Pattern.compile("\\s*(\\d{2}:\\d{2})\\s*-\\s*(\\d{2}:\\d{2})\\s*");
    private static final DateTimeFormatter HOURS = DateTimeFormatter.ofPattern("HH:mm");
    private static final int ZONES_NAMED = 3;

    /** Why a message waits, and until when. */
    public record Closed(Instant opensAt, String reason) { }

    private final LocalTime start;
    private final LocalTime end;
    private final ZoneId fallback;
    private final PhoneNumberUtil phones = PhoneNumberUtil.getInstance();
    private final PhoneNumberToTimeZonesMapper zones = PhoneNumberToTimeZonesMapper.getInstance();

    public SendWindow(ArautoProperties properties) {
        String window = properties.getSend().getWindow();
        this.fallback = properties.getSend().getDefaultTimeZone();
        if (window == null || window.isBlank()) {
            start = null;
            end = null;
            return;
        }
        Matcher m = FORMAT.matcher(window);
        LocalTime from = null;
        LocalTime to = null;
        if (m.matches()) {
            try {
                from = LocalTime.parse(m.group(1));
                to = LocalTime.parse(m.group(2));
            } catch (DateTimeException e) {
                from = null;
            }
        }
        if (from == null || from.equals(to)) {
            throw new IllegalStateException("arauto.send.window must be two different times of day, from-until, like 08:00-20:00 "
                    + "(or 22:00-06:00 across midnight; empty: any time), not '" + window + "'");
        }
        start = from;
        end = to;
    }

    /** Whether a window is set at all. */
    public boolean limits() {
        return start != null;
    }

    /** Empty when a message to {@code e164} may leave at {@code now}; otherwise when it may and why it waits. */
    public Optional<Closed> closedFor(String e164, Instant now) {
        if (!limits()) {
            return Optional.empty();
        }
        List<ZoneId> recipient = zonesOf(e164);
        if (openInAll(recipient, now)) {
            return Optional.empty();
        }
        Instant opens = nextOpening(recipient, now);
        if (opens == null) { // never open in all of them at once: the default zone decides
            if (isOpen(now.atZone(fallback).toLocalTime())) {
                return Optional.empty();
            }
            return Optional.of(new Closed(nextOpening(List.of(fallback), now), "Waiting: outside the send window " + text()
                    + "; the recipient's number lies in time zones (" + names(recipient) + ") where it is never open at once, so "
                    + fallback.getId() + " time decides; goes at " + HOURS.format(start) + " there."));
        }
        String where = recipient.size() == 1 ? recipient.get(0).getId() : names(recipient) + "; open in all of them only";
        String at = recipient.size() == 1 ? HOURS.format(opens.atZone(recipient.get(0)))
                : HOURS.format(opens.atZone(recipient.get(0))) + " " + recipient.get(0).getId() + " time";
        return Optional.of(new Closed(opens, "Waiting: outside the send window " + text() + " in the recipient's time ("
                + where + "); goes at " + at + "."));
    }

    /** As configured, e.g. {@code 08:00-20:00}. */
    public String text() {
        return HOURS.format(start) + "-" + HOURS.format(end);
    }

    /** The zones of the number, or the default zone when it tells none (or is not a number). */
    List<ZoneId> zonesOf(String e164) {
        try {
            List<ZoneId> found = new ArrayList<>();
            for (String id : zones.getTimeZonesForNumber(phones.parse(e164, null))) {
                if (!id.equals(PhoneNumberToTimeZonesMapper.getUnknownTimeZone())) {
                    found.add(ZoneId.of(id));
                }
            }
            return found.isEmpty() ? List.of(fallback) : found;
        } catch (NumberParseException | DateTimeException e) {
            return List.of(fallback);
        }
    }

    private boolean openInAll(List<ZoneId> recipient, Instant at) {
        return recipient.stream().allMatch(zone -> isOpen(at.atZone(zone).toLocalTime()));
    }

    private boolean isOpen(LocalTime t) {
        return start.isBefore(end) ? !t.isBefore(start) && t.isBefore(end) : !t.isBefore(start) || t.isBefore(end);
    }

    /**
     * The first moment after {@code now} when the window is open in every zone: the moment the last
     * of them opens, so one of the openings of the next two days; null when there is none.
     */
    private Instant nextOpening(List<ZoneId> recipient, Instant now) {
        TreeSet<Instant> openings = new TreeSet<>();
        for (ZoneId zone : recipient) {
            LocalDate today = now.atZone(zone).toLocalDate();
            for (int day = -1; day <= 2; day++) {
                Instant opening = ZonedDateTime.of(today.plusDays(day), start, zone).toInstant();
                if (opening.isAfter(now)) {
                    openings.add(opening);
                }
            }
        }
        return openings.stream().filter(opening -> openInAll(recipient, opening)).findFirst().orElse(null);
    }

    private static String names(List<ZoneId> recipient) {
        List<String> named = recipient.stream().limit(ZONES_NAMED).map(ZoneId::getId).toList();
        return String.join(", ", named) + (recipient.size() > ZONES_NAMED ? " and " + (recipient.size() - ZONES_NAMED) + " more" : "");
    }
}
