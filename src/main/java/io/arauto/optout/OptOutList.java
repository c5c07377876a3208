package io.arauto.optout;

import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import it.unimi.dsi.fastutil.Hash;
import it.unimi.dsi.fastutil.longs.LongOpenHashSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.arauto.config.ArautoProperties;
import io.arauto.audit.AuditEvent;
import io.arauto.audit.AuditLog;
import io.arauto.ledger.CampaignLedger;
import io.arauto.ledger.MessageLedger;
import io.arauto.support.PhoneMask;
import io.arauto.verdict.NinthDigit;
import io.arauto.verdict.OptOutCheck;
import io.arauto.verdict.PhoneNormalizer;

/**
 * Who must not be messaged: the CRM's opt-out query (phones in any format, normalised) and
 * Arauto's own opt_out table, which {@link #optOut} and {@link #optIn} change (every source: replies,
 * buttons, Meta's signals, operators; {@link OptOutSource}). A Brazilian mobile number matches with or
 * without its ninth digit ({@link NinthDigit}). Both are loaded in bulk into compact sets of E.164 numbers; the
 * CRM's list is never used older than {@code arauto.optout.crm-refresh}, and read from the CRM only when a file or a send
 * batch needs it ({@link #refreshCrm}): an idle Arauto leaves the CRM alone.
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
    private final TransactionTemplate tx;
    private final MessageLedger messages;
    private final CampaignLedger campaigns;
    private static final LongOpenHashSet EMPTY = new LongOpenHashSet();
    private volatile CrmList crmList;
    /** A file or send batch asked for the CRM's list since it was last renewed: the timer keeps it current only then. */
    private volatile boolean crmUsed;

    public OptOutList(JdbcTemplate ledger, TransactionTemplate tx, MessageLedger messages, CampaignLedger campaigns, CrmDatabase crm,
                      PhoneNormalizer normalizer, ArautoProperties properties, AuditLog audit, Clock clock) {
        this.tx = tx;
        this.messages = messages;
        this.campaigns = campaigns;
        this.audit = audit;
        this.ledger = ledger;
        this.named = new NamedParameterJdbcTemplate(ledger);
        this.crm = crm;
        this.normalizer = normalizer;
        this.properties = properties;
        this.clock = clock;
    }

    /** Both lists as they stand now, for judging the rows of one file; a number matches with or without its ninth digit. */
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
            String list = listOf(key);
            if (list != null) {
                return list;
            }
            long other = NinthDigit.candidate(key); // digits only, so a file of a million mobiles asks libphonenumber only on a hit
            if (other == 0) {
                return null;
            }
            list = listOf(other);
            return list != null && NinthDigit.twin(key) == other ? list : null;
        }

        private String listOf(long key) {
            if (own.contains(key)) {
                return ARAUTO;
            }
            return crm.contains(key) ? CRM : null;
        }
    }

    /**
     * The numbers among {@code e164s} that are opted out right now (with or without their ninth digit), with the list that says so:
     * Arauto's table is asked fresh, the CRM's list may be up to crm-refresh old.
     */
    public Map<String, String> optedOut(Collection<String> e164s) {
        Map<String, String> out = new HashMap<>();
        if (e164s.isEmpty()) {
            return out;
        }
        LongOpenHashSet crmNow = crmSet();
        Map<String, List<String>> asked = new HashMap<>(); // each number and its ninth-digit twin -> the numbers asked about
        for (String e164 : e164s) {
            for (String variant : NinthDigit.variants(e164)) {
                asked.computeIfAbsent(variant, v -> new java.util.ArrayList<>(1)).add(e164);
                if (crmNow.contains(PhoneNormalizer.toKey(variant))) {
                    out.put(e164, CRM);
                }
            }
        }
        List<String> own = named.queryForList("select phone_e164 from opt_out where phone_e164 in (:phones)",
                new MapSqlParameterSource("phones", asked.keySet()), String.class);
        own.forEach(p -> asked.getOrDefault(p, List.of()).forEach(e164 -> out.put(e164, ARAUTO)));
        return out;
    }

    /**
     * Puts {@code e164} on Arauto's own list: {@code source} said so at {@code at}, {@code detail} (the
     * reply, the button, Meta's error) says how. In the same transaction every QUEUED message to the
     * number, with or without its ninth digit, in every campaign becomes OPTED_OUT with a reason naming
     * the source; the entry, its history line and its audit record are written with it. A message claimed
     * after this commits is refused by its claim ({@link MessageLedger#markSending}): it is no longer
     * QUEUED, or (rows read from a file whose list was taken earlier, a retry coming back) its number is
     * on the list. True when the number was not on the list yet (in either form); when it was, queued
     * messages are still stopped, and nothing else is written.
     */
    public boolean optOut(String e164, OptOutSource source, String detail, Instant at) {
        List<String> variants = variantsOf(e164);
        String reason = "The number opted out (Arauto opt-out list, source " + source.wire() + ": " + source.plain()
                + ") before it was sent.";
        Outcome outcome;
        try {
            outcome = tx.execute(t -> optOut0(e164, variants, source, detail, at, reason));
        } catch (DuplicateKeyException raced) { // another opt-out of this number committed first: it is on the list now
            outcome = tx.execute(t -> optOut0(e164, variants, source, detail, at, reason));
        }
        if (outcome.added() || outcome.stopped() > 0) {
            log.info("{} opted out (source {}): {}; {} queued messages stopped", PhoneMask.mask(e164), source.wire(),
                    outcome.added() ? "added to Arauto's opt-out list" : "already on Arauto's opt-out list", outcome.stopped());
        }
        return outcome.added();
    }

    private record Outcome(boolean added, int stopped) { }

    private Outcome optOut0(String e164, List<String> variants, OptOutSource source, String detail, Instant at, String reason) {
        Timestamp when = Timestamp.from(at);
        String twin = variants.size() > 1 ? variants.get(1) : null;
        boolean added = named.update("insert into opt_out (phone_e164, twin_e164, source, detail, created_at) "
                + "select :phone, :twin, :source, :detail, :at where not exists (select 1 from opt_out where phone_e164 in (:variants))", new MapSqlParameterSource("phone", e164)
                .addValue("twin", twin, Types.VARCHAR).addValue("source", source.wire()).addValue("detail", truncate(detail, 500))
                .addValue("at", when).addValue("variants", variants)) > 0;
        Map<Long, Integer> stopped = messages.optOutQueued(variants, reason);
        stopped.keySet().forEach(campaigns::markDirty);
        int count = stopped.values().stream().mapToInt(Integer::intValue).sum();
        if (added) {
            history(e164, "opt_out", source, detail, when, count);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("phone", e164);
            details.put("source", source.wire());
            details.put("detail", detail);
            details.put("opted_out_at", at.toString());
            details.put("messages_stopped", count);
            audit.record(AuditEvent.OPT_OUT_RECORDED, null, details);
        }
        return new Outcome(added, count);
    }

    /**
     * Takes {@code e164} off Arauto's own list again, in either ninth-digit form: {@code source} said so
     * at {@code at}. Recorded in the list's history and audited, in one transaction; the history keeps the
     * opt-out too. Messages already OPTED_OUT stay so; a number on the CRM's list stays out. True when an
     * entry was removed.
     */
    public boolean optIn(String e164, OptOutSource source, Instant at) {
        List<String> variants = variantsOf(e164);
        Boolean removed = tx.execute(t -> {
            int n = named.update("delete from opt_out where phone_e164 in (:variants)", new MapSqlParameterSource("variants", variants));
            if (n == 0) {
                return false;
            }
            history(e164, "opt_in", source, null, Timestamp.from(at), 0);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("phone", e164);
            details.put("source", source.wire());
            details.put("opted_in_at", at.toString());
            audit.record(AuditEvent.OPT_IN_RECORDED, null, details);
            return true;
        });
        if (Boolean.TRUE.equals(removed)) {
            log.info("{} opted in again (source {}): removed from Arauto's opt-out list", PhoneMask.mask(e164), source.wire());
        }
        return Boolean.TRUE.equals(removed);
    }

    /** An entry of Arauto's own list: the number, who put it there ({@link OptOutSource#wire}), how, and when. */
    public record Entry(String phone, String source, String detail, Instant at) { }

    /**
     * Arauto's own list, newest first, {@code limit} entries after skipping {@code offset}; only the entry of {@code e164}
     * (in either ninth-digit form) when it is given.
     */
    public List<Entry> entries(String e164, int offset, int limit) {
        MapSqlParameterSource params = new MapSqlParameterSource("limit", limit).addValue("offset", offset);
        String where = "";
        if (e164 != null) {
            where = " where phone_e164 in (:variants)";
            params.addValue("variants", variantsOf(e164));
        }
        return named.query("select phone_e164, source, detail, created_at from opt_out" + where
                + " order by created_at desc, phone_e164 limit :limit offset :offset", params, (rs, n) -> entry(rs));
    }

    /** How many entries {@link #entries} has in all, with the same filter. */
    public long countEntries(String e164) {
        Long n = e164 == null ? ledger.queryForObject("select count(*) from opt_out", Long.class)
                : named.queryForObject("select count(*) from opt_out where phone_e164 in (:variants)",
                        new MapSqlParameterSource("variants", variantsOf(e164)), Long.class);
        return n == null ? 0 : n;
    }

    /** Every entry of Arauto's own list, oldest first, handed to {@code each} one by one (the list can be long). */
    public void forEachEntry(java.util.function.Consumer<Entry> each) {
        ledger.query("select phone_e164, source, detail, created_at from opt_out order by created_at, phone_e164",
                rs -> { each.accept(entry(rs)); });
    }

    private static Entry entry(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Entry(rs.getString(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant());
    }

    /** The number in both ninth-digit forms; Meta's {@code wa_id} ("551187654321") needs its "+" first (or PhoneNormalizer.canonical). */
    private static List<String> variantsOf(String e164) {
        if (e164 == null || !e164.matches("\\+[1-9]\\d{6,14}")) {
            throw new IllegalArgumentException("Not a phone number in E.164 form (+5511987654321): " + PhoneMask.maskAll(e164));
        }
        return NinthDigit.variants(e164);
    }

    private void history(String e164, String kind, OptOutSource source, String detail, Timestamp at, int stopped) {
        ledger.update("insert into opt_out_history (phone_e164, kind, source, detail, at, recorded_at, messages_stopped) "
                + "values (?, ?, ?, ?, ?, ?, ?)", e164, kind, source.wire(), truncate(detail, 500), at,
                Timestamp.from(clock.instant()), stopped);
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    /**
     * The timer's round (every {@code arauto.optout.crm-preload}): keeps the CRM's list current ahead of need, so files and
     * send batches rarely wait for it. The first round loads it; after that it is renewed ({@link #renewCrm}) only when a
     * file or a send batch used it since it was last renewed and it would be older than crm-refresh by the next round.
     * An Arauto with nothing to do reads nothing from the CRM. Nothing without an opt-out query.
     */
    public void refreshCrm() {
        if (!crmQueried()) {
            return;
        }
        CrmList held = crmList;
        if (held != null && !(crmUsed && dueByNextRound(held, clock.instant()))) {
            return;
        }
        synchronized (this) { // a file that needs the list meanwhile waits for this renewal instead of starting its own
            if (crmList == held) {
                renewCrm();
            }
        }
    }

    private boolean crmQueried() {
        String query = properties.getOptout().getQuery();
        return query != null && !query.isBlank();
    }

    /** Whether {@code held} would pass crm-refresh before the timer's next round. */
    private boolean dueByNextRound(CrmList held, Instant now) {
        ArautoProperties.OptOut config = properties.getOptout();
        return !held.current().plus(config.getCrmRefresh()).isAfter(now.plus(config.getCrmPreload()));
    }

    /** The CRM's list for a file or a send batch: never older than crm-refresh, renewed first (they wait) when it is. */
    private LongOpenHashSet crmSet() {
        crmUsed = true;
        Instant now = clock.instant();
        CrmList held = crmList;
        if (held != null && fresh(held, now)) {
            return held.numbers();
        }
        if (!crmQueried()) {
            return EMPTY;
        }
        synchronized (this) {
            if (crmList == null || !fresh(crmList, now)) {
                renewCrm();
            }
            return crmList.numbers();
        }
    }

    private boolean fresh(CrmList held, Instant now) {
        return held.current().plus(properties.getOptout().getCrmRefresh()).isAfter(now);
    }

    /**
     * Makes the list current (caller holds the lock): with {@code arauto.optout.crm-version-query}, asks the CRM for its
     * version first and, when it is the one the list was loaded at, keeps the list, now known current as of this
     * question; otherwise (or without that query) reloads it. A version read before the list it belongs to can only make
     * the next check reload once more, never keep a list that missed a change.
     */
    private void renewCrm() {
        crmUsed = false; // a use from now on asks the next round to renew the list again
        Instant started = clock.instant(); // the list is as current as the moment its query (or the version's) began
        String versionQuery = properties.getOptout().getCrmVersionQuery();
        if (versionQuery == null || versionQuery.isBlank()) {
            crmList = loadCrm(started, false, null);
            return;
        }
        String version = crmVersion(versionQuery);
        CrmList held = crmList;
        if (held != null && held.versioned() && Objects.equals(held.version(), version)) {
            crmList = new CrmList(held.numbers(), started, true, version);
            log.debug("CRM opt-out list unchanged (version {}): kept, {} numbers", version, held.numbers().size());
            return;
        }
        crmList = loadCrm(started, true, version);
    }

    /** The single value of the version query (its first row's first column), as text; null when it has none. */
    private String crmVersion(String versionQuery) {
        try {
            return crmJdbc().query(versionQuery, rs -> rs.next() ? rs.getString(1) : null);
        } catch (DataAccessException e) {
            throw new CrmUnavailableException(e, "arauto.optout.crm-version-query", "the opt-out list's version query");
        }
    }

    private JdbcTemplate crmJdbc() {
        return crm.jdbc().orElseThrow(() -> new IllegalStateException(
                "arauto.optout.query is set but arauto.crm.datasource.url is not: cannot read the CRM's opt-out list"));
    }

    /**
     * The CRM's list as the opt-out query gives it now, as keys ({@link PhoneNormalizer#canonicalKey}: a plainly written
     * number is read from its digits, any other through libphonenumber), in a set sized for the last load's count.
     */
    private CrmList loadCrm(Instant started, boolean versioned, String version) {
        CrmList held = crmList;
        LongOpenHashSet set = new LongOpenHashSet(held == null ? Hash.DEFAULT_INITIAL_SIZE : held.numbers().size() + held.numbers().size() / 16);
        long timer = System.nanoTime();
        int[] unreadable = {0};
        try {
            crmJdbc().query(properties.getOptout().getQuery(), rs -> {
                long key = normalizer.canonicalKey(rs.getString(1));
                if (key == 0) {
                    unreadable[0]++;
                } else {
                    set.add(key);
                }
            });
        } catch (DataAccessException e) {
            throw new CrmUnavailableException(e);
        }
        log.info("CRM opt-out list loaded: {} numbers ({} unreadable entries ignored) in {} ms",
                set.size(), unreadable[0], (System.nanoTime() - timer) / 1_000_000);
        return new CrmList(set, started, versioned, version);
    }

    /**
     * The CRM's list as Arauto holds it: the numbers, the moment they were last known current (their load began, or a
     * version check found them unchanged), and whether they were loaded with a version query, and its value then.
     */
    private record CrmList(LongOpenHashSet numbers, Instant current, boolean versioned, String version) { }
}
