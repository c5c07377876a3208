package io.arauto.intake.sftp;

import java.time.Clock;

import org.apache.camel.ProducerTemplate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.arauto.config.ArautoProperties;
import io.arauto.intake.CampaignIntake;
import io.arauto.ledger.IntakeClaims;

/** The beans routes/intake-sftp.camel.yaml refers to; there only when {@code arauto.intake.sftp.enabled=true}. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty("arauto.intake.sftp.enabled")
public class SftpIntakeConfig {

    @Bean
    public SftpConnection sftpConnection(ArautoProperties properties) {
        return new SftpConnection(properties.getIntake().getSftp());
    }

    @Bean
    public SftpHealthIndicator sftpHealthIndicator(ArautoProperties properties, Clock clock) {
        return new SftpHealthIndicator(properties.getIntake().getSftp(), clock);
    }

    @Bean
    public StableFileWatch sftpStableFiles(ArautoProperties properties) {
        return new StableFileWatch(properties.getIntake().getSftp().getStableFor());
    }

    @Bean
    public SftpOriginals sftpOriginals() {
        return new SftpOriginals();
    }

    @Bean
    public SftpReadLockStrategy sftpReadLock(ArautoProperties properties, StableFileWatch sftpStableFiles, IntakeClaims claims,
                                             CampaignIntake intakes, SftpFolders sftpFolders,
                                             SftpHealthIndicator sftpHealthIndicator, SftpOriginals sftpOriginals) {
        return new SftpReadLockStrategy(properties.getIntake().getSftp().server(), sftpStableFiles, claims, intakes,
                new SftpRefusals(sftpFolders, intakes, sftpHealthIndicator), sftpHealthIndicator, sftpOriginals);
    }

    @Bean
    public SftpMoves sftpMoves(SftpReadLockStrategy sftpReadLock, SftpHealthIndicator sftpHealthIndicator) {
        return new SftpMoves(sftpReadLock, sftpHealthIndicator);
    }

    @Bean
    public SftpPollStrategy sftpPollStrategy(SftpHealthIndicator sftpHealthIndicator) {
        return new SftpPollStrategy(sftpHealthIndicator);
    }

    @Bean
    public SftpExceptionHandler sftpExceptionHandler(SftpPollStrategy sftpPollStrategy, SftpReadLockStrategy sftpReadLock) {
        return new SftpExceptionHandler(sftpPollStrategy, sftpReadLock);
    }

    @Bean
    public SftpFolders sftpFolders(Clock clock, ProducerTemplate routes) {
        return new SftpFolders(clock, routes);
    }
}
