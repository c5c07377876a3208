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
 * path, size and modification time, so that a new file under an old name is a new claim. A symbolic link or a name too
 * long to download is refused there and then, unread ({@link SftpRefusals}); a file taken is remembered as listed
 * ({@link SftpOriginals}), to be looked at again before its campaign may go out. After
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
    private final SftpRefusals refusals;
    private final SftpHealthIndicator health;
    private final SftpOriginals originals;

    public SftpReadLockStrategy(String server, StableFileWatch stable, IntakeClaims claims, CampaignIntake intakes,
                                SftpRefusals refusals, SftpHealthIndicator health, SftpOriginals originals) {
        this.server = server;
        this.stable = stable;
        this.claims = claims;
        this.intakes = intakes;
        this.refusals = refusals;
        this.health = health;
        this.originals = originals;
    }

    @Override
    public void prepareOnStartup(GenericFileOperations<SftpRemoteFile> operations, GenericFileEndpoint<SftpRemoteFile> endpoint) {
    }

    @Override
    public boolean acquireExclusiveReadLock(GenericFileOperations<SftpRemoteFile> operations, GenericFile<SftpRemoteFile> file,
                                            Exchange exchange) {
        String path = file.getAbsoluteFilePath();
        if (!health.moveDue(path)) {
            return false; // its move to archive/ failed a moment ago: it waits its turn
        }
        if (!stable.isStable(path, file.getFileLength(), file.getLastModified())) {
            log.trace("{} is not yet still ({} bytes, modified {})", path, file.getFileLength(), file.getLastModified());
            return false;
        }
        boolean link = SftpRefusals.isLink(file);
        if (link && refusals.linkToFolder(operations, file)) {
            return false; // not entered, as the inbox does not enter one
        }
        String key = key(file);
        if (!claims.add(key)) {
            log.debug("{} is being taken by another instance", key);
            return false;
        }
        boolean unchanged = false;
        // a link is never downloaded (the server would hand over its target), nor a name too long for a download's
        boolean unread = link || refusals.tooLong(file);
        try {
            // the listing may be stale: another instance may have archived the file since, or it changed
            unchanged = unchanged(operations, file);
            if (unchanged && unread) { // refused as it is, on the server
                refusals.refuse(operations, file);
                stable.forget(file.getAbsoluteFilePath());
            }
        } finally {
            if (!unchanged || unread) {
                claims.remove(key);
            }
        }
        if (unread) {
            return false;
        }
        if (unchanged) {
            exchange.setProperty(Exchanges.SFTP_CLAIM, key);
            originals.taken(operations, file);
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
                    health.moved(file.getAbsoluteFilePath());
                } else { // archived as campaign N when it is read again, without sending anything twice
                    String target = exchange.getMessage().getHeader(Exchanges.ARCHIVE_TARGET, String.class);
                    health.moveFailed(file.getAbsoluteFilePath(), file.getRelativeFilePath() + " could not be moved to archive/: "
                            + obstacle(operations, file.getEndpointPath(), target));
                }
            }
        } finally {
            stable.forget(file.getAbsoluteFilePath());
            originals.released(file);
            release(exchange);
        }
    }

    @Override
    public void releaseExclusiveReadLockOnRollback(GenericFileOperations<SftpRemoteFile> operations, GenericFile<SftpRemoteFile> file,
                                                   Exchange exchange) {
        stable.forget(file.getAbsoluteFilePath());
        originals.released(file);
        release(exchange);
    }

    @Override
    public void releaseExclusiveReadLockOnAbort(GenericFileOperations<SftpRemoteFile> operations, GenericFile<SftpRemoteFile> file,
                                                Exchange exchange) {
        originals.released(file);
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

    /**
     * Why a move to {@code target} (relative to the intake directory) could not happen: a folder on the way that is a file
     * on the server, or else what the server is likely refusing.
     */
    static String obstacle(GenericFileOperations<SftpRemoteFile> operations, String directory, String target) {
        if (target != null) {
            String base = directory.isEmpty() ? "" : directory + "/";
            String[] parts = target.split("/");
            String parent = directory;
            for (int i = 0; i < parts.length - 1; i++) {
                String name = parts[i];
                String here = (parent.isEmpty() ? "" : parent + "/") + name;
                try {
                    for (Object entry : operations.listFiles(parent.isEmpty() ? "." : parent)) {
                        SftpRemoteFile remote = (SftpRemoteFile) entry;
                        if (remote.getFilename().equals(name) && !remote.isDirectory()) {
                            return here + " on the server is a file, not a folder, so nothing can be put under it";
                        }
                    }
                } catch (RuntimeException cannotList) {
                    break;
                }
                parent = here;
            }
            return "the server refused to put it at " + base + target + " (check that the login may create folders and rename "
                    + "files there)";
        }
        return "the server refused the move";
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
