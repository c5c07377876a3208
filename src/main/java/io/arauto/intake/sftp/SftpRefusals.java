package io.arauto.intake.sftp;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.jcraft.jsch.ChannelSftp;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileOperations;
import org.apache.camel.component.file.remote.SftpRemoteFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.arauto.intake.CampaignIntake;
import io.arauto.intake.RejectedFileException;
import io.arauto.intake.Rejection;
import io.arauto.intake.RejectionNote;
import io.arauto.support.ShortNames;

/**
 * Files on the SFTP server that are refused without a byte of them being downloaded, as they are on the server: moved to
 * error/ there, with a note saying why, and never tried again.
 * <ul>
 * <li>A name too long to be downloaded: the download is written beside the work copy as {@code <name>.inprogress}, which
 * must fit the local file system's 255 bytes too; it moves under a shortened name.</li>
 * <li>A symbolic link, as the local inbox refuses one (CampaignIntake): the server would hand over its target, which may
 * be any file the login can read. The link itself moves, its target stays where it is. A link to a folder is left alone,
 * as the inbox leaves one (InboxFilter): nothing under it is taken, and the log says so once.</li>
 * </ul>
 * When the move cannot happen (error/ cannot be written), the name claimed for it is given back, so no note is left for a
 * file that is not there, and the health says why ({@link SftpHealthIndicator#moveFailed}); the file is tried again later.
 */
public class SftpRefusals {

    private static final Logger log = LoggerFactory.getLogger(SftpRefusals.class);

    /** 255 bytes less Camel's {@code .inprogress} suffix of a download under way. */
    static final int LONGEST_NAME = ShortNames.NAME_MAX - ".inprogress".length();

    private final SftpFolders folders;
    private final CampaignIntake intakes;
    private final SftpHealthIndicator health;
    private final Set<String> linkedFolders = ConcurrentHashMap.newKeySet();

    public SftpRefusals(SftpFolders folders, CampaignIntake intakes, SftpHealthIndicator health) {
        this.folders = folders;
        this.intakes = intakes;
        this.health = health;
    }

    public boolean tooLong(GenericFile<?> file) {
        return ShortNames.bytes(file.getFileNameOnly()) > LONGEST_NAME;
    }

    /** True when the server lists the file as a symbolic link (its own attributes, not its target's). */
    public static boolean isLink(GenericFile<SftpRemoteFile> file) {
        return file.getFile() != null && file.getFile().getRemoteFile() instanceof ChannelSftp.LsEntry entry && entry.getAttrs().isLink();
    }

    /**
     * True when the link leads to a folder: listing it lists the folder's entries rather than the link alone. Said once in
     * the log; nothing under it is ever taken.
     */
    public boolean linkToFolder(GenericFileOperations<SftpRemoteFile> operations, GenericFile<SftpRemoteFile> file) {
        String path = file.getAbsoluteFilePath();
        if (linkedFolders.contains(path)) {
            return true;
        }
        Object[] listed;
        try {
            listed = operations.listFiles(path);
        } catch (RuntimeException broken) {
            return false; // a link to nothing: refused as a link to a file
        }
        for (Object entry : listed) {
            if (!((SftpRemoteFile) entry).getFilename().equals(file.getFileNameOnly())) {
                if (linkedFolders.add(path)) {
                    log.warn("{} on the SFTP server is a symbolic link to a folder; Arauto does not follow links out of the inbox, so "
                            + "nothing under it is taken", file.getRelativeFilePath());
                }
                return true;
            }
        }
        return false;
    }

    /** Moves a link or a file whose name is too long to error/ with its note, as the intake does with a file it read and refused. */
    public void refuse(GenericFileOperations<SftpRemoteFile> operations, GenericFile<SftpRemoteFile> file) {
        String name = file.getFileNameOnly();
        String relative = file.getRelativeFilePath();
        String reason = isLink(file) ? RejectionNote.symbolicLink(relative.contains("/") ? relative.substring(0, relative.indexOf('/'))
                : "<template>")
                : "The file's name is " + ShortNames.bytes(name) + " bytes long (UTF-8), more than the " + LONGEST_NAME
                + " Arauto can take from the SFTP server; it was not read. Give it a shorter name and put it again.";
        Rejection rejection;
        try {
            rejection = intakes.reject(null, relative, new RejectedFileException(reason));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String target = folders.errorTarget(name, rejection);
        intakes.movedToError(rejection, target);
        String directory = file.getEndpointPath();
        String base = directory.isEmpty() ? "" : directory + "/";
        String failure = SftpMoves.moveToError(operations, file.getAbsoluteFilePath(), base + target);
        if (failure == null) {
            health.moved(file.getAbsoluteFilePath());
        } else {
            health.moveFailed(file.getAbsoluteFilePath(), relative + " could not be moved to error/: "
                    + SftpReadLockStrategy.obstacle(operations, directory, target));
        }
    }
}
