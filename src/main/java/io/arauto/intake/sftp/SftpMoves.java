package io.arauto.intake.sftp;

import org.apache.camel.Exchange;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileEndpoint;
import org.apache.camel.component.file.GenericFileOperations;
import org.apache.camel.component.file.remote.SftpRemoteFile;
import org.apache.camel.component.file.strategy.GenericFileExpressionRenamer;
import org.apache.camel.component.file.strategy.GenericFileRenameProcessStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.arauto.support.Exchanges;

/**
 * What the SFTP poller does with a file once its exchange is over (its {@code processStrategy}), Camel's rename strategy
 * with the read lock {@link SftpReadLockStrategy} and the route's own {@code move} and {@code moveFailed}, and two cases
 * of its own:
 * <ul>
 * <li>A file with no archive target ({@link Exchanges#ARCHIVE_TARGET}) stays where it is: it changed on the server while it
 * was read, its campaign was dropped before anything was sent (CampaignIntake), and it is taken again once it has stopped
 * changing, as any file is.</li>
 * <li>A rejected file moves to error/ only beside its note: when the note is not there, or the move fails (error/ cannot
 * be written, the file cannot be taken out of its folder), the name claimed for it is given back, so error/ never holds a
 * note for a file that is not there nor grows at each try; the cause is said once and the file waits twice as long at each
 * failure ({@link SftpHealthIndicator#moveFailed}).</li>
 * </ul>
 */
public class SftpMoves extends GenericFileRenameProcessStrategy<SftpRemoteFile> {

    private static final Logger log = LoggerFactory.getLogger(SftpMoves.class);

    private final SftpReadLockStrategy readLock;
    private final SftpHealthIndicator health;

    public SftpMoves(SftpReadLockStrategy readLock, SftpHealthIndicator health) {
        this.readLock = readLock;
        this.health = health;
        setExclusiveReadLockStrategy(readLock);
    }

    @Override
    public void commit(GenericFileOperations<SftpRemoteFile> operations, GenericFileEndpoint<SftpRemoteFile> endpoint, Exchange exchange,
                       GenericFile<SftpRemoteFile> file) throws Exception {
        if (exchange.getMessage().getHeader(Exchanges.ARCHIVE_TARGET) == null) {
            // changed while it was read: it stays, and is taken again once still (the read lock forgets how it looked)
            try {
                operations.releaseRetrievedFileResources(exchange);
            } finally {
                deleteLocalWorkFile(exchange);
                readLock.releaseExclusiveReadLockOnRollback(operations, file, exchange);
            }
            return;
        }
        if (getCommitRenamer() == null && endpoint.getMove() != null) {
            setCommitRenamer(new GenericFileExpressionRenamer<>(endpoint.getMove()));
        }
        super.commit(operations, endpoint, exchange, file);
    }

    @Override
    public void rollback(GenericFileOperations<SftpRemoteFile> operations, GenericFileEndpoint<SftpRemoteFile> endpoint, Exchange exchange,
                         GenericFile<SftpRemoteFile> file) throws Exception {
        try {
            operations.releaseRetrievedFileResources(exchange);
            String target = endpoint.getMoveFailed() == null ? null : endpoint.getMoveFailed().evaluate(exchange, String.class);
            String path = file.getAbsoluteFilePath();
            String directory = file.getEndpointPath();
            if (target == null || target.isBlank()) {
                health.moveFailed(path, file.getRelativeFilePath() + " could not be moved to error/: no name could be claimed in error/ "
                        + "on the server");
                return;
            }
            String failure = moveToError(operations, path, (directory.isEmpty() ? "" : directory + "/") + target);
            if (failure == null) {
                health.moved(path);
            } else {
                log.debug("{} could not be moved to {}: {}", path, target, failure);
                health.moveFailed(path, file.getRelativeFilePath() + " could not be moved to error/: "
                        + SftpReadLockStrategy.obstacle(operations, directory, target));
            }
        } finally {
            readLock.releaseExclusiveReadLockOnRollback(operations, file, exchange);
            deleteLocalWorkFile(exchange);
        }
    }

    /**
     * Moves {@code from} to {@code target} (a server path in error/) if its note, claimed by SftpFolders, is there; when
     * the note is missing or the move fails, the note is deleted (the name is free again) and the failure is returned, in
     * the server's words. Null once moved.
     */
    static String moveToError(GenericFileOperations<SftpRemoteFile> operations, String from, String target) {
        String note = target + ".error.txt";
        boolean noted;
        try {
            noted = operations.existsFile(note);
        } catch (RuntimeException cannotAsk) {
            noted = false;
        }
        if (!noted) {
            return "its note " + note + " could not be written";
        }
        try {
            if (operations.renameFile(from, target)) {
                return null;
            }
            giveBack(operations, note);
            return "the server did not rename it";
        } catch (RuntimeException refused) {
            giveBack(operations, note);
            return String.valueOf(refused.getMessage());
        }
    }

    private static void giveBack(GenericFileOperations<SftpRemoteFile> operations, String note) {
        try {
            operations.deleteFile(note);
        } catch (RuntimeException cannotDelete) {
            log.debug("The note {} could not be deleted: {}", note, cannotDelete.getMessage());
        }
    }
}
