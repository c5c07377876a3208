package io.arauto.ledger;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.arauto.config.ArautoProperties;

/**
 * Which running Arauto is taking which file, in the ledger, so that instances polling the same
 * server never take the same file: {@link #add} is an atomic claim. A claim is a lease: its holder renews it while it works ({@link #renew}), and a
 * claim not renewed for {@code arauto.intake.sftp.claim-lease} belongs to an instance that died
 * and may be taken over, so a crash never leaves a file stuck. Claims are removed once the file
 * was archived or rejected; what was taken for good is the campaign ledger's business. Times are
 * the database's, so instances whose clocks disagree still agree on whose lease ran out.
 */
@Component
public class IntakeClaims {

    private static final Logger log = LoggerFactory.getLogger(IntakeClaims.class);

    private final JdbcTemplate jdbc;
    private final Duration lease;
    private final String owner;

    @Autowired
    public IntakeClaims(JdbcTemplate jdbc, ArautoProperties properties) {
        this(jdbc, properties.getIntake().getSftp().getClaimLease(), hostName() + "/" + UUID.randomUUID().toString().substring(0, 8));
    }

    IntakeClaims(JdbcTemplate jdbc, Duration lease, String owner) {
        this.jdbc = jdbc;
        this.lease = lease;
        this.owner = owner;
    }

    /** Claims {@code key}; true when this instance holds it now (it may have held it already). */
    public boolean add(String key) {
        Timestamp now = now();
        try {
            jdbc.update("insert into intake_claim (claim_key, owner, claimed_at, renewed_at) values (?, ?, ?, ?)", key, owner, now, now);
            return true;
        } catch (DataIntegrityViolationException taken) {
            // held already: by this instance (a claim left by a failed download), or by one whose lease ran out
            String before = jdbc.query("select owner from intake_claim where claim_key = ?", rs -> rs.next() ? rs.getString(1) : null, key);
            int took = jdbc.update("update intake_claim set owner = ?, claimed_at = ?, renewed_at = ? "
                    + "where claim_key = ? and (owner = ? or renewed_at < ?)", owner, now, now, key, owner, leaseStart(now));
            if (took == 1 && before != null && !before.equals(owner)) {
                log.warn("{} was claimed by {}, which has not renewed its claim for over {} s and so is taken to have stopped; {} takes the file over",
                        key, before, lease.toSeconds(), owner);
            }
            return took == 1;
        }
    }

    /** True while someone holds a live claim on {@code key}. */
    public boolean contains(String key) {
        Integer n = jdbc.queryForObject("select count(*) from intake_claim where claim_key = ? and renewed_at >= ?", Integer.class,
                key, leaseStart(now()));
        return n != null && n > 0;
    }

    /** Lets go of this instance's claim on {@code key}. */
    public boolean remove(String key) {
        return jdbc.update("delete from intake_claim where claim_key = ? and owner = ?", key, owner) == 1;
    }

    /** Keeps this instance's claims alive; called well within the lease. Returns how many it holds. */
    public int renew() {
        return jdbc.update("update intake_claim set renewed_at = current_timestamp where owner = ?", owner);
    }

    private Timestamp now() {
        return jdbc.queryForObject("select current_timestamp", Timestamp.class);
    }

    private Timestamp leaseStart(Timestamp now) {
        return Timestamp.from(now.toInstant().minus(lease));
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "arauto";
        }
    }
}
