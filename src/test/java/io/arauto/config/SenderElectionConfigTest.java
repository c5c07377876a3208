package io.arauto.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.leader.event.AbstractLeaderEvent;
import org.springframework.integration.leader.event.OnFailedToAcquireMutexEvent;
import org.springframework.integration.leader.event.OnGrantedEvent;
import org.springframework.integration.leader.event.OnRevokedEvent;
import org.springframework.integration.support.leader.LockRegistryLeaderInitiator;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DelegatingDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The election as SenderElectionConfig wires it, for two instances on one ledger (H2, migrated by the app's
 * Flyway scripts, V7 holding the lock): one of them leads, never both; when the leader stops, the other
 * leads within a heartbeat or two; when it dies without a word, the other leads once the lease ran out.
 */
class SenderElectionConfigTest {

    private static final Duration LEASE = Duration.ofMillis(1500);
    private static final Duration HEARTBEAT = Duration.ofMillis(100);

    private final List<Instance> instances = new ArrayList<>();

    @AfterEach
    void stopAll() {
        instances.forEach(i -> {
            i.election.destroy();
            i.repository.stop();
        });
    }

    @Test
    void oneOfTwoInstancesLeadsAndTheOtherTakesOverWhenItStops() {
        JdbcDataSource ledger = ledger();
        Instance a = start(ledger);
        await().atMost(Duration.ofSeconds(10)).until(a::leading);
        Instance b = start(ledger);

        // b keeps looking (every heartbeat) while a renews, for longer than a lease: b never leads meanwhile
        await().atMost(LEASE.multipliedBy(4)).until(() -> b.failedSpan().compareTo(LEASE.multipliedBy(2)) > 0);
        assertThat(b.granted()).as("b's leads while a holds the lock").isZero();
        assertThat(a.leading()).isTrue();

        long stopped = System.nanoTime();
        a.election.stop(); // a clean stop releases the lock: b need not wait for the lease
        await().atMost(Duration.ofSeconds(5)).until(b::leading);
        assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isLessThan(LEASE);
        assertThat(a.leading()).isFalse();
    }

    @Test
    void anInstanceCutOffFromTheLedgerStopsLeadingAndTheOtherLeadsOnceTheLeaseRanOut() {
        JdbcDataSource ledger = ledger();
        CuttableDataSource aLedger = new CuttableDataSource(ledger);
        Instance a = start(aLedger);
        await().atMost(Duration.ofSeconds(10)).until(a::leading);
        Instance b = start(ledger);
        await().atMost(LEASE.multipliedBy(4)).until(() -> b.failedSpan().compareTo(HEARTBEAT.multipliedBy(3)) > 0);

        long cut = System.nanoTime();
        aLedger.cut = true; // a can neither renew nor release its lock: for b it is as if a had died
        await().atMost(LEASE.multipliedBy(4)).until(b::leading);
        long bLeads = System.nanoTime();

        assertThat(a.leading()).isFalse();
        assertThat(a.revokedAt()).as("a knew it no longer led before b led").isLessThan(bLeads);
        assertThat(Duration.ofNanos(bLeads - cut)).as("b waited for a's lease to run out")
                .isGreaterThanOrEqualTo(LEASE.minus(HEARTBEAT.multipliedBy(2)))
                .isLessThan(LEASE.plus(Duration.ofSeconds(1)));
    }

    @Test
    void aHeartbeatThatCannotRenewTheLeaseInTimeIsRefused() {
        ArautoProperties properties = new ArautoProperties();
        properties.getLeader().setLease(Duration.ofSeconds(2));
        properties.getLeader().setHeartbeat(Duration.ofSeconds(1));
        JdbcDataSource ledger = ledger();
        assertThatThrownBy(() -> new SenderElectionConfig().senderLockRepository(ledger, new DataSourceTransactionManager(ledger), properties))
                .hasMessageContaining("arauto.leader.heartbeat (1000 ms) must be more than 0 and less than half of arauto.leader.lease (2000 ms)");
    }

    /** The ledger as one instance reaches it; {@code cut}: the network between them is gone. */
    static final class CuttableDataSource extends DelegatingDataSource {
        volatile boolean cut;

        CuttableDataSource(DataSource target) {
            super(target);
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (cut) {
                throw new SQLException("Connection refused (the test cut this instance off from the ledger)");
            }
            return super.getConnection();
        }
    }

    private static JdbcDataSource ledger() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:election-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        return dataSource;
    }

    private Instance start(DataSource ledger) {
        ArautoProperties properties = new ArautoProperties();
        properties.getLeader().setLease(LEASE);
        properties.getLeader().setHeartbeat(HEARTBEAT);
        SenderElectionConfig config = new SenderElectionConfig();
        DefaultLockRepository repository = config.senderLockRepository(ledger, new DataSourceTransactionManager(ledger), properties);
        repository.afterPropertiesSet();
        repository.afterSingletonsInstantiated();
        repository.start();
        LockRegistryLeaderInitiator election = config.senderElection(config.senderLocks(repository, properties), properties);
        election.setPublishFailedEvents(true); // each look at a lock another instance holds: how long b has been kept out
        Instance instance = new Instance(repository, election, new ArrayList<>());
        election.setApplicationEventPublisher(event -> {
            synchronized (instance.events) {
                instance.events.add(new Event((AbstractLeaderEvent) event, System.nanoTime()));
            }
        });
        election.start();
        instances.add(instance);
        return instance;
    }

    private record Event(AbstractLeaderEvent event, long at) { }

    private record Instance(DefaultLockRepository repository, LockRegistryLeaderInitiator election, List<Event> events) {
        boolean leading() {
            return election.getContext().isLeader();
        }

        long granted() {
            synchronized (events) {
                return events.stream().filter(e -> e.event instanceof OnGrantedEvent).count();
            }
        }

        /** From the first to the last failed look at the lock. */
        Duration failedSpan() {
            synchronized (events) {
                List<Long> failed = events.stream().filter(e -> e.event instanceof OnFailedToAcquireMutexEvent).map(Event::at).toList();
                return failed.isEmpty() ? Duration.ZERO : Duration.ofNanos(failed.get(failed.size() - 1) - failed.get(0));
            }
        }

        long revokedAt() {
            synchronized (events) {
                return events.stream().filter(e -> e.event instanceof OnRevokedEvent).mapToLong(Event::at).findFirst()
                        .orElseThrow(() -> new AssertionError("never revoked"));
            }
        }
    }
}
