package io.arauto.intake.sftp;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileOperations;
import org.apache.camel.component.file.remote.SftpRemoteFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.arauto.intake.FileState;
import io.arauto.intake.SourceOriginals;
import io.arauto.support.Exchanges;

/**
 * The files taken from the SFTP server and being read from their download: their size and time as the server listed them
 * when they were taken ({@link SftpReadLockStrategy}), and a look at them again on the server, through the poller's own
 * connection, before their campaign may go out (CampaignIntake). A file that changed meanwhile has its campaign dropped
 * and stays on the server (SftpMoves), to be taken again once it has stopped changing.
 */
public class SftpOriginals implements SourceOriginals {

    private static final Logger log = LoggerFactory.getLogger(SftpOriginals.class);

    private record Taken(GenericFileOperations<SftpRemoteFile> operations, String path, String name, FileState state) { }

    /** How many times a listing that fails is asked for. */
    static final int LOOKS = 3;

    private final Map<String, Taken> taken = new ConcurrentHashMap<>();

    @Override
    public String source() {
        return Exchanges.SFTP;
    }

    /** The file is being downloaded, as listed. */
    void taken(GenericFileOperations<SftpRemoteFile> operations, GenericFile<SftpRemoteFile> file) {
        taken.put(file.getRelativeFilePath(), new Taken(operations, file.getAbsoluteFilePath(), file.getFileNameOnly(),
                new FileState(file.getFileLength(), file.getLastModified())));
    }

    /** Done with the file, whichever way. */
    void released(GenericFile<?> file) {
        taken.remove(file.getRelativeFilePath());
    }

    @Override
    public FileState whenCopied(String relativePath) {
        Taken file = taken.get(relativePath);
        return file == null ? null : file.state();
    }

    /**
     * As the server lists it now; null when it is not there. A listing can fail while another instance moves a file out of
     * the same folder (the server reads the folder to list one file), so it is asked {@value #LOOKS} times before the
     * failure is thrown; nothing of the file goes out then.
     */
    @Override
    public FileState now(String relativePath) throws IOException {
        Taken file = taken.get(relativePath);
        if (file == null) {
            throw new IOException("it was not taken by this instance");
        }
        RuntimeException failure = null;
        for (int look = 1; look <= LOOKS; look++) {
            try {
                for (Object entry : file.operations().listFiles(file.path())) {
                    SftpRemoteFile remote = (SftpRemoteFile) entry;
                    if (remote.getFilename().equals(file.name())) {
                        return new FileState(remote.getFileLength(), remote.getLastModified());
                    }
                }
                return null;
            } catch (RuntimeException cannotList) {
                failure = cannotList;
                log.debug("{} could not be listed again on the server (look {}): {}", file.path(), look, cannotList.getMessage());
                LockSupport.parkNanos(Duration.ofMillis(50L * look).toNanos());
            }
        }
        throw new IOException("the server did not list it (" + failure.getMessage() + ")", failure);
    }
}
