package io.arauto.intake;

import java.io.IOException;

/**
 * A source whose files are read from a copy made on this machine (SFTP: the download in the data folder): what the
 * original, on its server, looked like when the copy was made, and what it looks like now. {@link CampaignIntake} drops
 * a campaign whose original changed while its copy was read, as it does for a file of the local inbox that changed.
 * Such a source reads the file again itself, once it has stopped changing.
 */
public interface SourceOriginals {

    /** The source, as {@link io.arauto.support.Exchanges#SOURCE} names it. */
    String source();

    /** The original of the copy being read from {@code relativePath} (template folder / name), as it was when copied; null if unknown. */
    FileState whenCopied(String relativePath);

    /** The same original as its source shows it now; null when it is no longer there; throws when the source could not tell. */
    FileState now(String relativePath) throws IOException;
}
