package io.arauto.optout;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import it.unimi.dsi.fastutil.longs.LongOpenHashSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

import io.arauto.config.ArautoProperties;
import io.arauto.audit.AuditEvent;
import io.arauto.audit.AuditLog;
import io.arauto.verdict.OptOutCheck;
import io.arauto.verdict.PhoneNormalizer;

/**
 * Who must not be messaged: the CRM's opt-out query (phones in any format, normalised) and
 * Arauto's own opt_out table. Both are loaded in bulk into compact sets of E.164 numbers; the
 * CRM's list is reloaded when older than {@code arauto.optout.crm-refresh}.
 */
@Component
public class OptOutList {

    private static final Logger log = LoggerFactory.getLogger(OptOutList.class);
    public static final String CRM = "CRM";
    public static final String ARAUTO = "Arauto";

    private final JdbcTemplate ledger;
    private final NamedParameterJdbcTemplate named;
    private final CrmDatabase crm;
    private final PhoneNormalizer normalizer;
    private final ArautoProperties properties;
    private final Clock clock;
    private final AuditLog audit;
    private volatile LongOpenHashSet crmSet;
    private volatile Instant crmLoadedAt = Instant.EPOCH;

    public OptOutList(JdbcTemplate ledger, CrmDatabase crm, PhoneNormalizer normalizer,
                      ArautoProperties properties, AuditLog audit, Clock clock) {
        this.audit = audit;
        this.ledger = ledger;
        this.named = new NamedParameterJdbcTemplate(ledger);
        this.crm = crm;
        this.normalizer = normalizer;
        this.properties = properties;
        this.clock = clock;
    }

    /** Both lists as they stand now, for judging the rows of one file. */
    public Snapshot snapshot() {
        LongOpenHashSet own = new LongOpenHashSet();
        ledger.query("select phone_e164 from opt_out", rs -> {
            own.add(PhoneNormalizer.toKey(rs.getString(1)));
        });
        return new Snapshot(own, crmSet());
    }

    /** The opt-out lists frozen for one file; {@link #sourceOf} says which list holds a number. */
    public record Snapshot(LongOpenHashSet own, LongOpenHashSet crm) implements OptOutCheck {
        @Override
        public String sourceOf(long key) {
            if (own.contains(key)) {
                return ARAUTO;
            }
            return crm.contains(key) ? CRM : null;
        }
    }

    /**
     * The numbers among {@code e164s} that are opted out right now, with the list that says so:
     * Arauto's table is asked fresh, the CRM's list may be up to crm-refresh old.
     */
    public Map<String, String> optedOut(Collection<String> e164s) {
        Map<String, String> out = new HashMap<>();
        if (e164s.isEmpty()) {
            return out;
        }
        LongOpenHashSet crmNow = crmSet();
        for (String e164 : e164s) {
            if (crmNow.contains(PhoneNormalizer.toKey(e164))) {
                out.put(e164, CRM);
            }
        }
        List<String> own = named.queryForList("select phone_e164 from opt_out where phone_e164 in (:phones)",
                new MapSqlParameterSource("phones", e164s), String.class);
        own.forEach(p -> out.put(p, ARAUTO));
        return out;
    }

    /**
     * Adds a number to Arauto's own list; true when it was not there yet. Called when Meta refuses a
     * message with 131050 (the user stopped marketing messages); the webhooks will call it for replies.
     */
    public boolean record(String e164, String source, String detail) {
        boolean added;
        try {
            added = ledger.update("insert into opt_out (phone_e164, source, detail, created_at) "
                            + "select ?, ?, ?, ? where not exists (select 1 from opt_out where phone_e164 = ?)",
                    e164, source, detail, java.sql.Timestamp.from(clock.instant()), e164) > 0;
        } catch (DuplicateKeyException raced) {
            added = false;
        }
        if (added) {
            Map<String, Object> details = new java.util.LinkedHashMap<>();
            details.put("phone", e164);
            details.put("source", source);
            details.put("detail", detail);
            audit.record(AuditEvent.OPT_OUT_RECORDED, null, details);
        }
        return added;
    }

    /** Loads the CRM's list ahead of need (a timer calls this), so a file rarely waits for it; nothing without a query. */
    public void refreshCrm() {
        String query = properties.getOptout().getQuery();
        if (query == null || query.isBlank()) {
            return;
        }
        synchronized (this) { // a file that needs the list meanwhile waits for this load instead of starting its own
            Instant started = clock.instant(); // the list is as old as the moment its query began
            crmSet = loadCrm();
            crmLoadedAt = started;
        }
    }

    private LongOpenHashSet crmSet() {
        Instant now = clock.instant();
        LongOpenHashSet current = crmSet;
        if (current != null && crmLoadedAt.plus(properties.getOptout().getCrmRefresh()).isAfter(now)) {
            return current;
        }
        synchronized (this) {
            if (crmSet != null && crmLoadedAt.plus(properties.getOptout().getCrmRefresh()).isAfter(now)) {
                return crmSet;
            }
            crmSet = loadCrm();
            crmLoadedAt = now;
            return crmSet;
        }
    }

    private LongOpenHashSet loadCrm() {
        String query = properties.getOptout().getQuery();
        LongOpenHashSet set = new LongOpenHashSet();
        if (query == null || query.isBlank()) {
            return set;
        }
        JdbcTemplate jdbc = crm.jdbc().orElseThrow(() -> new IllegalStateException(
                "arauto.optout.query is set but arauto.crm.datasource.url is not: cannot read the CRM's opt-out list"));
        long started = System.nanoTime();
        int[] unreadable = {0};
        try {
            jdbc.query(query, rs -> {
                String e164 = normalizer.canonical(rs.getString(1));
                if (e164 == null) {
                    unreadable[0]++;
                } else {
                    set.add(PhoneNormalizer.toKey(e164));
                }
            });
        } catch (DataAccessException e) {
            throw new CrmUnavailableException(e);
        }
        log.info("CRM opt-out list loaded: {} numbers ({} unreadable entries ignored) in {} ms",
                set.size(), unreadable[0], (System.nanoTime() - started) / 1_000_000);
        return set;
    }
}
