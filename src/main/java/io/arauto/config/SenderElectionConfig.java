package io.arauto.config;

import java.time.Duration;
import java.util.UUID;

import javax.sql.DataSource;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.integration.leader.DefaultCandidate;
import org.springframework.integration.support.leader.LockRegistryLeaderInitiator;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * One active sender among the instances that share a ledger: the one holding the lock {@code arauto-sender}
 * in the ledger's {@code int_lock} table (Spring Integration's JDBC lock registry and its leader initiator).
 * It renews the lock every {@code arauto.leader.heartbeat}; a lock not renewed for {@code arauto.leader.lease}
 * is taken over by the next instance that looks. Leadership comes and goes as OnGrantedEvent / OnRevokedEvent.
 */
@Configuration(proxyBeanMethods = false)
public class SenderElectionConfig {

    public static final String ROLE = "arauto-sender";

    @Bean
    public DefaultLockRepository senderLockRepository(DataSource dataSource, PlatformTransactionManager transactions,
                                                      ArautoProperties properties) {
        Duration lease = properties.getLeader().getLease();
        Duration heartbeat = properties.getLeader().getHeartbeat();
        if (heartbeat.isNegative() || heartbeat.isZero() || heartbeat.multipliedBy(2).compareTo(lease) >= 0) {
            throw new IllegalStateException("arauto.leader.heartbeat (" + heartbeat.toMillis() + " ms) must be more than 0 and less than "
                    + "half of arauto.leader.lease (" + lease.toMillis() + " ms): otherwise the active sender's lease can run out "
                    + "between two renewals and sending passes from one instance to another for nothing");
        }
        DefaultLockRepository repository = new DefaultLockRepository(dataSource, UUID.randomUUID().toString());
        repository.setPrefix("INT_"); // the table of migration V7
        repository.setTimeToLive((int) lease.toMillis());
        repository.setTransactionManager(transactions);
        return repository;
    }

    @Bean
    public JdbcLockRegistry senderLocks(DefaultLockRepository senderLockRepository, ArautoProperties properties) {
        JdbcLockRegistry registry = new JdbcLockRegistry(senderLockRepository);
        // while another instance holds the lock, look once a heartbeat rather than ten times a second
        registry.setIdleBetweenTries(properties.getLeader().getHeartbeat());
        return registry;
    }

    @Bean
    public LockRegistryLeaderInitiator senderElection(JdbcLockRegistry senderLocks, ArautoProperties properties) {
        LockRegistryLeaderInitiator initiator = new LockRegistryLeaderInitiator(senderLocks,
                new DefaultCandidate(UUID.randomUUID().toString(), ROLE));
        long heartbeat = properties.getLeader().getHeartbeat().toMillis();
        initiator.setHeartBeatMillis(heartbeat);
        initiator.setBusyWaitMillis(heartbeat);
        return initiator;
    }
}
