package io.arauto.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;

import org.springframework.stereotype.Component;

/** STUB until the reports branch lands. */
@Component
public class StatusReportWriter {
    public void write(Path csvFile, Path xlsxFile, List<String> inputHeader, Iterator<StatusLine> lines) throws IOException {
    }
}
