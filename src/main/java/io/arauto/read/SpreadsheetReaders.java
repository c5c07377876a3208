package io.arauto.read;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

import org.springframework.stereotype.Component;

/** Opens a spreadsheet with the reader its file name calls for: {@code .csv} or {@code .xlsx}. */
@Component
public class SpreadsheetReaders {

    private final CsvRowReader csv;
    private final XlsxRowReader xlsx;

    public SpreadsheetReaders(CsvRowReader csv, XlsxRowReader xlsx) {
        this.csv = csv;
        this.xlsx = xlsx;
    }

    /**
     * @param file     where the bytes are
     * @param fileName the name the user gave the file; it picks the format and names the file in messages
     */
    public RowSource open(Path file, String fileName) throws IOException {
        return open(file, fileName, header -> true);
    }

    /**
     * @param fitsTemplate whether a header has every column the file's template needs; a CSV file
     *                     whose separator its first lines leave open is read with the one that fits
     */
    public RowSource open(Path file, String fileName, Predicate<List<String>> fitsTemplate) throws IOException {
        String name = fileName.toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            return csv.open(file, fileName, fitsTemplate);
        }
        if (name.endsWith(".xlsx")) {
            return xlsx.open(file, fileName);
        }
        throw new UnreadableFileException(
                fileName + " is not a .csv or .xlsx file; save it as CSV UTF-8 or Excel Workbook (.xlsx)");
    }
}
