package io.arauto.ledger;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import io.arauto.support.SettableClock;
import io.arauto.support.SharedPostgres;
import io.arauto.verdict.JudgedRow;
import io.arauto.verdict.MessageStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * On PostgreSQL a batch of judged rows goes in with one binary {@code COPY} ({@link MessageCopy}); on H2 with the
 * batched insert. Both must store the same bytes, whatever the cells hold, and the COPY must belong to the batch's
 * transaction. A real PostgreSQL (zonky) and an in-memory H2, both migrated by the app's own Flyway scripts.
 */
class PostgresMessageCopyTest {

    /** Half a microsecond: PgJDBC's setTimestamp rounds it up; the COPY must store the same instant. */
    private static final Instant START = Instant.parse("2026-03-02T12:00:00.123456500Z");

    private static HikariDataSource postgresPool;
    private static Ledger postgres;
    private static Ledger h2;
    private static final List<String> PREPARED = Collections.synchronizedList(new ArrayList<>());

    private final SettableClock clock = new SettableClock(START);

    /** Cells as people type them, and what a text-format COPY would have to escape. */
    private static final List<JudgedRow> AWKWARD = List.of(
            new JudgedRow(2, "(11) 98765-4321", "+5511987654321", MessageStatus.QUEUED, null,
                    List.of("(11) 98765-4321", "José Conceição", "ÀÉÎÕÜ çñ ß", "€ 1.234,50")),
            new JudgedRow(3, "11 9\t8765\n4322", null, MessageStatus.INVALID, "The phone \"11 9\t8765\n4322\" has a tab\tand a newline\n.",
                    List.of("11 9\t8765\n4322", "tab\there", "line1\nline2\r\nline3\rend", "")),
            new JudgedRow(4, "C:\\telefones\\N", null, MessageStatus.INVALID, "back\\slash \\N \\. \\\\ and 'quotes' \"double\"",
                    List.of("C:\\telefones\\N", "\\N", "\\.", "a\\tb", "\\")),
            new JudgedRow(5, "+55 11 98765-4323 😀", "+5511987654323", MessageStatus.QUEUED, null,
                    List.of("+55 11 98765-4323", "Zoë 👩‍👩‍👧 🇧🇷", "日本語 中文 한국어", "e\u0301 (combining), zero\u200Bwidth")),
            new JudgedRow(6, "\u0001\u001f\u007f\u0085", null, MessageStatus.INVALID, "controls \u0001\u0002\u001b[0m\u007f",
                    List.of("\u0001\u0002\u0003", "bell\u0007", "esc\u001b[31m", "del\u007f", "nbsp\u00a0", "ls\u2028ps\u2029")),
            new JudgedRow(7, "", null, MessageStatus.INVALID, "", List.of("", " ", "  ")),
            new JudgedRow(8, "11987654321", "+5511987654321", MessageStatus.DUPLICATE, "The same number is on row 2.",
                    List.of("11987654321", "x".repeat(3000))),
            new JudgedRow(9, "9".repeat(300), null, MessageStatus.INVALID, "ç".repeat(1200),
                    List.of("9".repeat(300), "ação")));

    @BeforeAll
    static void databases() {
        postgresPool = new HikariDataSource();
        postgresPool.setJdbcUrl(SharedPostgres.newDatabase("copy"));
        postgresPool.setUsername(SharedPostgres.USER);
        postgresPool.setPassword(SharedPostgres.PASSWORD);
        postgresPool.setMaximumPoolSize(4);
        // a session zone unlike the JVM's, so a time stored as local time would show
        postgresPool.setConnectionInitSql("set time zone 'America/Sao_Paulo'");
        postgres = new Ledger(recording(postgresPool));

        JdbcDataSource memory = new JdbcDataSource();
        memory.setURL("jdbc:h2:mem:copy-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        h2 = new Ledger(memory);
    }

    @AfterAll
    static void close() {
        postgresPool.close();
    }

    @BeforeEach
    void forget() {
        PREPARED.clear();
    }

    @Test
    void awkwardCellsGoThroughCopyAndAreStoredAsH2AndAnInsertStoreThem() {
        long viaCopy = postgres.campaign("copy.csv", clock);
        postgres.messages(clock).insert(viaCopy, AWKWARD);
        // the rows went in by COPY: no insert into message was prepared on PostgreSQL
        assertThat(PREPARED).noneMatch(sql -> sql.toLowerCase().contains("insert into message"));

        long viaInsert = postgres.campaign("insert.csv", clock);
        postgres.jdbc.execute("select 1"); // the pool is warm either way
        new TransactionTemplate(new DataSourceTransactionManager(postgres.dataSource)).executeWithoutResult(
                status -> AWKWARD.forEach(row -> postgres.messages(clock).append(viaInsert, row)));

        long onH2 = h2.campaign("h2.csv", clock);
        h2.messages(clock).insert(onH2, AWKWARD);

        List<List<String>> copied = postgres.stored(viaCopy);
        assertThat(copied).hasSize(AWKWARD.size());
        assertThat(copied).isEqualTo(postgres.stored(viaInsert));
        assertThat(copied).isEqualTo(h2.stored(onH2));

        // and what was stored is what the rows said, read back through the ledger as the sender reads it
        assertThat(postgres.messages(clock).queued(viaCopy, 0, 10)).extracting(QueuedMessage::cells)
                .containsExactly(AWKWARD.get(0).cells(), AWKWARD.get(3).cells());
        assertThat(postgres.jdbc.queryForList("select phone from message where campaign_id = ? order by row_num", String.class, viaCopy))
                .containsExactly("(11) 98765-4321", "11 9\t8765\n4322", "C:\\telefones\\N", "+55 11 98765-4323 😀",
                        "\u0001\u001f\u007f\u0085", "", "11987654321", "9".repeat(254) + "…");
        assertThat(postgres.jdbc.queryForObject("select reason from message where campaign_id = ? and row_num = 4", String.class, viaCopy))
                .isEqualTo("back\\slash \\N \\. \\\\ and 'quotes' \"double\"");
        assertThat(postgres.jdbc.queryForObject("select updated_at from message where campaign_id = ? and row_num = 2",
                OffsetDateTime.class, viaCopy).toInstant()).isEqualTo(Instant.parse("2026-03-02T12:00:00.123457Z"));
    }

    @Test
    void aCopyThatFailsTakesTheWholeBatchWithItAndTheConnectionStaysUsable() {
        long id = postgres.campaign("again.csv", clock);
        MessageLedger messages = postgres.messages(clock);
        messages.insert(id, AWKWARD.subList(0, 2)); // rows 2 and 3
        Instant firstBeat = heartbeat(id);

        clock.advance(Duration.ofMinutes(1));
        // row 10 is new, row 2 is already there: the COPY fails, and with it the heartbeat the same transaction renewed
        List<JudgedRow> clash = List.of(new JudgedRow(10, "11900000010", "+5511900000010", MessageStatus.QUEUED, null, List.of("x")),
                AWKWARD.get(0));
        assertThatThrownBy(() -> messages.insert(id, clash)).isInstanceOf(DuplicateKeyException.class);
        assertThat(heartbeat(id)).isEqualTo(firstBeat);
        assertThat(postgres.jdbc.queryForList("select row_num from message where campaign_id = ? order by row_num", Integer.class, id))
                .containsExactly(2, 3);

        // the pool's connections are fine afterwards: the next batches go in
        for (int i = 0; i < 5; i++) {
            messages.insert(id, List.of(new JudgedRow(20 + i, "11900000020", null, MessageStatus.INVALID, "r", List.of("y"))));
        }
        assertThat(postgres.jdbc.queryForObject("select count(*) from message where campaign_id = ?", Integer.class, id)).isEqualTo(7);
        assertThat(heartbeat(id)).isEqualTo(Instant.parse("2026-03-02T12:01:00.123457Z"));
    }

    @Test
    void theCopiedRowsBelongToTheTransactionOfTheBatch() {
        long id = postgres.campaign("tx.csv", clock);
        JdbcTemplate elsewhere = new JdbcTemplate(postgresPool); // another connection, outside the transaction
        postgres.tx.executeWithoutResult(status -> {
            postgres.messages(clock).insert(id, AWKWARD); // joins this transaction, as a batch's writes join theirs
            assertThat(postgres.jdbc.queryForObject("select count(*) from message where campaign_id = ?", Integer.class, id))
                    .isEqualTo(AWKWARD.size());
            // not committed yet: nobody else sees them, so nothing can send them
            assertThat(elsewhere.queryForObject("select count(*) from message where campaign_id = ?", Integer.class, id)).isZero();
            status.setRollbackOnly();
        });
        assertThat(elsewhere.queryForObject("select count(*) from message where campaign_id = ?", Integer.class, id)).isZero();

        postgres.messages(clock).insert(id, AWKWARD); // on its own: committed when it returns
        assertThat(elsewhere.queryForObject("select count(*) from message where campaign_id = ?", Integer.class, id))
                .isEqualTo(AWKWARD.size());
    }

    @Test
    void aBatchForACampaignDroppedMeanwhileWritesNothing() {
        long id = postgres.campaign("dropped.csv", clock);
        postgres.jdbc.update("update campaign set status = 'REJECTED' where id = ?", id);

        assertThatThrownBy(() -> postgres.messages(clock).insert(id, AWKWARD)).isInstanceOf(IllegalStateException.class);
        assertThat(postgres.jdbc.queryForObject("select count(*) from message where campaign_id = ?", Integer.class, id)).isZero();
    }

    @Test
    void aThousandRowBatchGoesInInOneCopy() {
        long id = postgres.campaign("big.csv", clock);
        List<JudgedRow> rows = new ArrayList<>();
        for (int row = 2; row < 1002; row++) {
            rows.add(new JudgedRow(row, "119" + (10000000 + row), "+55119" + (10000000 + row), MessageStatus.QUEUED, null,
                    List.of("119" + (10000000 + row), "Cliente " + row + " ação \\ \t \"")));
        }
        postgres.messages(clock).insert(id, rows);

        assertThat(postgres.stored(id)).hasSize(1000);
        assertThat(postgres.messages(clock).queued(id, 1000, 1)).singleElement()
                .satisfies(m -> assertThat(m.cells()).containsExactly("11910001001", "Cliente 1001 ação \\ \t \""));
    }

    private static Instant heartbeat(long id) {
        return postgres.jdbc.queryForObject("select heartbeat_at from campaign where id = ?", OffsetDateTime.class, id).toInstant();
    }

    /** The pool's connections, with every statement prepared on them noted (a COPY is not one). */
    private static DataSource recording(DataSource pool) {
        return new DelegatingDataSource(pool) {
            @Override
            public Connection getConnection() throws SQLException {
                Connection real = super.getConnection();
                return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                        (proxy, method, args) -> {
                            if (method.getName().startsWith("prepare") && args != null && args[0] instanceof String sql) {
                                PREPARED.add(sql);
                            }
                            try {
                                return method.invoke(real, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        });
            }
        };
    }

    /** The ledger beans on one database, as the app wires them. */
    private static final class Ledger {
        final DataSource dataSource;
        final JdbcTemplate jdbc;
        final TransactionTemplate tx;
        final ObjectMapper json = new ObjectMapper();

        Ledger(DataSource dataSource) {
            this.dataSource = dataSource;
            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
            this.jdbc = new JdbcTemplate(dataSource);
            this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        }

        MessageLedger messages(SettableClock clock) {
            return new MessageLedger(jdbc, tx, json, clock);
        }

        long campaign(String name, SettableClock clock) {
            return new CampaignLedger(jdbc, tx, json, clock).create(name, "pedido_enviado", "folder", "pedido_enviado/" + name,
                    null, List.of("telefone", "nome"));
        }

        /** Every column of a campaign's message rows, as text, in row order; the key relative to the campaign's first. */
        List<List<String>> stored(long campaignId) {
            return jdbc.query("select id, campaign_id, row_num, phone, phone_e164, status, reason, error_code, wamid, attempts, "
                    + "next_attempt_at, updated_at, input from message where campaign_id = ? order by id", (ResultSet rs, int i) -> {
                        List<String> row = new ArrayList<>();
                        row.add(String.valueOf(rs.getLong(1) - MessageLedger.first(campaignId)));
                        row.add(String.valueOf(rs.getLong(2) - campaignId));
                        for (int c = 3; c <= 13; c++) {
                            if (c == 11 || c == 12) {
                                OffsetDateTime at = rs.getObject(c, OffsetDateTime.class);
                                row.add(at == null ? null : at.toInstant().toString());
                            } else {
                                row.add(Objects.toString(rs.getString(c), null));
                            }
                        }
                        return row;
                    }, campaignId);
        }
    }
}
