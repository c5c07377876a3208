package io.arauto.read;

import java.io.IOException;
import java.nio.file.Path;

import org.springframework.stereotype.Component;

/** STUB until the readers branch lands. */
@Component
public class SpreadsheetReaders {
    public RowSource open(Path file, String fileName) throws IOException {
        throw new UnreadableFileException("stub");
    }
}
