package io.arauto.intake.sftp;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileEndpoint;
import org.apache.camel.component.file.GenericFileExclusiveReadLockStrategy;
import org.apache.camel.component.file.GenericFileOperations;
import org.apache.camel.component.file.remote.SftpRemoteFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.arauto.intake.CampaignIntake;
import io.arauto.ledger.IntakeClaims;
import io.arauto.support.Exchanges;

/**
 * When the SFTP consumer may take a file: once it has stopped changing ({@link StableFileWatch}),
 * and once this instance holds its claim in the ledger ({@link IntakeClaims}), keyed by server,
 * path, size and modification time, so that a new file under an old name is a new claim. After
 * the route, the claim is let go; on success the campaign ({@link Exchanges#CAMPAIGN_ID}) is marked
 * archived if the file is really gone from the inbox (a failed move leaves it there, to be archived
 * when read again).
 */
public class SftpReadLockStrategy implements GenericFileExclusiveReadLockStrategy<SftpRemoteFile> {

    private static final Logger log = LoggerFactory.getLogger(SftpReadLockStrategy.class);

    private final String server;
    private final StableFileWatch stable;
    private final IntakeClaims claims;
    private final CampaignIntake intakes;
    private final SftpLongNames longNames;

    public SftpReadLockStrategy(String server, StableFileWatch stable, IntakeClaims claims, CampaignIntake intakes,
                                SftpLongNames longNames) {
        this.server = server;
        this.stable = stable;
        this.claims = claims;
        this.intakes = intakes;
        this.longNames = longNames;
    }

    @Override
    public void prepareOnStartup(GenericFileOperations<SftpRemoteFile> operations, GenericFileEndpoint<SftpRemoteFile> endpoint) {
    }

    @Override
    public boolean acquireExclusiveReadLock(GenericFileOperations<SftpRemoteFile> operations, GenericFile<SftpRemoteFile> file,
                                            Exchange exchange) {
        String path = file.getAbsoluteFilePath();
        if (!stable.isStable(path, file.getFileLength(), file.getLastModified())) {
            log.trace("{} is not yet still ({} bytes, modified {})", path, file.getFileLength(), file.getLastModified());
            return false;
        }
        String key = key(file);
        if (!claims.add(key)) {
            log.debug("{} is being taken by another instance", key);
            return false;
        }
        boolean unchanged = false;
        boolean tooLong = longNames.tooLong(file);
        try {
            // the listing may be stale: another instance may have archived the file since, or it changed
            unchanged = unchanged(operations, file);
            if (unchanged && tooLong) { // it could not be downloaded: refused as it is, on the server
                longNames.reject(operations, file);
                stable.forget(file.getAbsoluteFilePath());
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            if (!unchanged || tooLong) {
                claims.remove(key);
            }
        }
        if (tooLong) {
            return false;
        }
        if (unchanged) {
            exchange.setProperty(Exchanges.SFTP_CLAIM, key);
        }
        return unchanged;
    }

    @Override
    public void releaseExclusiveReadLockOnCommit(GenericFileOperations<SftpRemoteFile> operations, GenericFile<SftpRemoteFile> file,
                                                 Exchange exchange) {
        try {
            Long campaign = exchange.getMessage().getHeader(Exchanges.CAMPAIGN_ID, Long.class);
            if (campaign != null) {
                if (gone(operations, file.getAbsoluteFilePath())) {
                    intakes.archived(campaign);
                } else {
                    log.warn("{} could not be moved to archive/; it stays in the inbox and is archived as campaign {} when it is read "
                            + "again, without sending anything twice", file.getAbsoluteFilePath(), campaign);
                }
            }
        } finally {
            stable.forget(file.getAbsoluteFilePath());
            release(exchange);
        }
    }

    @Override
    public void releaseExclusiveReadLockOnRollback(GenericFileOperations<SftpRemoteFile> operations, GenericFile<SftpRemoteFile> file,
                                                   Exchange exchange) {
        stable.forget(file.getAbsoluteFilePath());
        release(exchange);
    }

    @Override
    public void releaseExclusiveReadLockOnAbort(GenericFileOperations<SftpRemoteFile> operations, GenericFile<SftpRemoteFile> file,
                                                Exchange exchange) {
        release(exchange); // not taken this time (still changing, or someone else's): its wait goes on
    }

    /** Lets go of the claim an exchange holds, if any; safe to call more than once. */
    public void release(Exchange exchange) {
        String key = exchange == null ? null : exchange.getProperty(Exchanges.SFTP_CLAIM, String.class);
        if (key != null) {
            claims.remove(key);
            exchange.removeProperty(Exchanges.SFTP_CLAIM);
        }
    }

    /** {@code sftp://host:port/<path>|<size>|<modified ms>}: a new file under an old name is a new key. */
    String key(GenericFile<?> file) {
        String path = file.getAbsoluteFilePath();
        return "sftp://" + server + (path.startsWith("/") ? "" : "/") + path + "|" + file.getFileLength() + "|" + file.getLastModified();
    }

    private static boolean unchanged(GenericFileOperations<SftpRemoteFile> operations, GenericFile<SftpRemoteFile> file) {
        Object[] now;
        try {
            now = operations.listFiles(file.getAbsoluteFilePath());
        } catch (RuntimeException gone) {
            log.debug("{} is gone since it was listed: {}", file.getAbsoluteFilePath(), gone.getMessage());
            return false;
        }
        for (Object entry : now) {
            SftpRemoteFile remote = (SftpRemoteFile) entry;
            if (remote.getFileLength() == file.getFileLength() && remote.getLastModified() == file.getLastModified()) {
                return true;
            }
        }
        return false;
    }

    /** True only when the server says the file is no longer there; a failure to ask is not an answer. */
    private static boolean gone(GenericFileOperations<SftpRemoteFile> operations, String path) {
        try {
            return !operations.existsFile(path);
        } catch (RuntimeException e) {
            log.debug("Could not check whether {} was archived: {}", path, e.getMessage());
            return false;
        }
    }

    @Override
    public void setTimeout(long timeout) {
    }

    @Override
    public void setCheckInterval(long checkInterval) {
    }

    @Override
    public void setReadLockLoggingLevel(LoggingLevel readLockLoggingLevel) {
    }

    @Override
    public void setMarkerFiler(boolean markerFile) {
    }

    @Override
    public void setDeleteOrphanLockFiles(boolean deleteOrphanLockFiles) {
    }
}
