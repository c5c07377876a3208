package io.arauto.intake.crm;

import java.nio.charset.StandardCharsets;
import java.sql.Clob;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.stereotype.Component;

import io.arauto.config.ArautoProperties;
import io.arauto.ledger.CrmRequestLedger;
import io.arauto.optout.OptOutList;
import io.arauto.read.Row;
import io.arauto.template.TemplateBinder;
import io.arauto.template.TemplateBinding;
import io.arauto.template.TemplateCatalog;
import io.arauto.template.TemplateDefinition;
import io.arauto.verdict.FileVerdicts;
import io.arauto.verdict.JudgedRow;
import io.arauto.verdict.MessageStatus;
import io.arauto.verdict.OptOutCheck;
import io.arauto.verdict.RowJudge;

/**
 * Judges one row of the CRM trigger table as a spreadsheet's row is judged (the same phone, variable
 * and opt-out rules, by {@link RowJudge}), after what only a request can get wrong: a template that
 * does not exist, variables that are not a JSON object, a variable the template needs that is absent.
 * Two requests for one number are two messages (a customer with two orders gets both), so no row is
 * a duplicate of another. Says which rolling campaign the row goes into: {@code crm-<template>-<day>}.
 */
@Component
public class RequestVerdicts {

    /** The column after the variables that names the request, in the status files. */
    static final String REQUEST_ID = "request_id";
    /** Where rows whose template does not exist go: a name no Meta template can have (Meta's have no hyphen). */
    static final String UNKNOWN_TEMPLATE = "unknown-template";
    static final String SOURCE = "crm";

    private final TemplateCatalog templates;
    private final TemplateBinder binder;
    private final RowJudge judge;
    private final OptOutList optOuts;
    private final ObjectMapper json;
    private final Clock clock;
    private final ZoneId zone;

    public RequestVerdicts(TemplateCatalog templates, TemplateBinder binder, RowJudge judge, OptOutList optOuts, ObjectMapper json,
                           Clock clock, ArautoProperties properties) {
        this.templates = templates;
        this.binder = binder;
        this.judge = judge;
        this.optOuts = optOuts;
        this.json = json;
        this.clock = clock;
        this.zone = properties.getSend().getDefaultTimeZone();
    }

    /** A request row judged, and the campaign it goes into. */
    public record Judged(CrmRequestLedger.Rolling campaign, JudgedRow row) { }

    /** {@code request} is the row as the table gave it: id, phone, template, variables, created_at. */
    public Judged judge(String table, Map<String, Object> request) {
        String id = text(request.get("id"));
        String phone = text(request.get("phone"));
        String templateName = text(request.get("template")).strip();
        String variables = text(request.get("variables"));
        LocalDate day = LocalDate.now(clock.withZone(zone));
        TemplateCatalog.Lookup lookup = templates.find(templateName);
        if (lookup.template() == null) {
            List<String> cells = List.of(phone, templateName, variables, id);
            return new Judged(rolling(table, UNKNOWN_TEMPLATE, day, List.of("phone", "template", "variables", REQUEST_ID)),
                    invalid(phone, templateName.isEmpty() ? "The request names no template." : lookup.problem(), cells));
        }
        TemplateDefinition template = lookup.template();
        List<String> names = template.variableNames();
        List<String> header = new ArrayList<>(names.size() + 2);
        header.add("phone");
        header.addAll(names);
        header.add(REQUEST_ID);
        CrmRequestLedger.Rolling campaign = rolling(table, template.name(), day, header);
        List<String> cells = new ArrayList<>(header.size());
        cells.add(phone);
        JsonNode object = parse(variables);
        if (object == null || !object.isObject()) {
            names.forEach(n -> cells.add(""));
            cells.add(id);
            return new Judged(campaign, invalid(phone, "The variables are not a JSON object (" + shape(variables, object)
                    + "); write them as {\"name\": \"value\", ...}.", cells));
        }
        Map<String, JsonNode> byName = new HashMap<>();
        object.fields().forEachRemaining(e -> byName.putIfAbsent(e.getKey().strip().toLowerCase(Locale.ROOT), e.getValue()));
        List<String> missing = new ArrayList<>();
        String notText = null;
        for (String name : names) {
            JsonNode value = byName.get(name.toLowerCase(Locale.ROOT));
            if (value == null || value.isNull()) {
                missing.add(name);
                cells.add("");
            } else if (value.isContainerNode()) {
                notText = notText == null ? name : notText;
                cells.add("");
            } else {
                cells.add(value.asText());
            }
        }
        cells.add(id);
        if (!missing.isEmpty()) {
            return new Judged(campaign, invalid(phone, "The variables lack " + quoted(missing) + ", which template '" + template.name()
                    + "' needs.", cells));
        }
        if (notText != null) {
            return new Judged(campaign, invalid(phone, "Variable '" + notText + "' is a list or an object; template '" + template.name()
                    + "' takes a single value.", cells));
        }
        TemplateBinding binding;
        try {
            binding = binder.bind(template, header);
        } catch (TemplateBinder.MissingColumnsException e) {
            return new Judged(campaign, invalid(phone, e.getMessage(), cells));
        }
        FileVerdicts alone = new FileVerdicts(campaign.name(), 0, binding, optedOutNow());
        return new Judged(campaign, judge.judge(alone, List.of(new Row(0, cells))).get(0));
    }

    /** Both opt-out lists as they are now for one number (Arauto's own asked fresh, the CRM's as recently loaded). */
    private OptOutCheck optedOutNow() {
        return key -> {
            String e164 = "+" + key;
            return optOuts.optedOut(List.of(e164)).get(e164);
        };
    }

    private CrmRequestLedger.Rolling rolling(String table, String template, LocalDate day, List<String> header) {
        return new CrmRequestLedger.Rolling("crm-" + template + "-" + day, template, SOURCE, table, header,
                day.plusDays(1).atStartOfDay(zone).toInstant());
    }

    private static JudgedRow invalid(String phone, String reason, List<String> cells) {
        return new JudgedRow(0, phone, null, MessageStatus.INVALID, reason, cells);
    }

    private JsonNode parse(String text) {
        if (text.isBlank()) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static String shape(String text, JsonNode node) {
        if (text.isBlank()) {
            return "they are empty";
        }
        if (node == null) {
            return "they are not JSON";
        }
        return node.isArray() ? "they are a list" : "they are a single value";
    }

    private static String quoted(List<String> names) {
        return names.stream().map(n -> "'" + n + "'").reduce((a, b) -> a + ", " + b).orElse("");
    }

    /** A column's value as text: JSON columns come as text, bytes (H2) or a driver's own object (PostgreSQL's jsonb). */
    static String text(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (value instanceof Clob clob) {
            try {
                return clob.getSubString(1, (int) Math.min(Integer.MAX_VALUE, clob.length()));
            } catch (SQLException e) {
                throw new IllegalStateException("A text column of the CRM trigger table could not be read", e);
            }
        }
        return value.toString();
    }
}
