package io.arauto.intake.sftp;

import java.io.IOException;
import java.util.Map;

import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileOperations;
import org.apache.camel.component.file.remote.SftpRemoteFile;

import io.arauto.intake.CampaignIntake;
import io.arauto.intake.RejectedFileException;
import io.arauto.support.Exchanges;
import io.arauto.support.ShortNames;

/**
 * A file on the SFTP server whose name is too long to be downloaded: the download is written beside the work copy as
 * {@code <name>.inprogress}, which must fit the local file system's 255 bytes too. Such a file is not read; it is moved
 * to error/ on the server under a shortened name, with a note saying why, and never tried again.
 */
public class SftpLongNames {

    /** 255 bytes less Camel's {@code .inprogress} suffix of a download under way. */
    static final int LONGEST_NAME = ShortNames.NAME_MAX - ".inprogress".length();

    private final SftpFolders folders;
    private final CampaignIntake intakes;
    private final ProducerTemplate routes;

    public SftpLongNames(SftpFolders folders, CampaignIntake intakes, ProducerTemplate routes) {
        this.folders = folders;
        this.intakes = intakes;
        this.routes = routes;
    }

    public boolean tooLong(GenericFile<?> file) {
        return ShortNames.bytes(file.getFileNameOnly()) > LONGEST_NAME;
    }

    /** Moves the file to error/ with its note, as the intake does with a file it read and refused. */
    public void reject(GenericFileOperations<SftpRemoteFile> operations, GenericFile<SftpRemoteFile> file) throws IOException {
        String name = file.getFileNameOnly();
        String target = folders.errorTarget(name);
        String reason = "The file's name is " + ShortNames.bytes(name) + " bytes long (UTF-8), more than the " + LONGEST_NAME
                + " Arauto can take from the SFTP server; it was not read. Give it a shorter name and put it again.";
        String note = intakes.reject(null, file.getRelativeFilePath(), target, new RejectedFileException(reason));
        routes.sendBodyAndHeaders("direct:sftp-error-note", note, Map.of(Exchanges.ERROR_TARGET, target));
        String directory = file.getEndpointPath();
        operations.renameFile(file.getAbsoluteFilePath(), (directory.isEmpty() ? "" : directory + "/") + target);
    }
}
