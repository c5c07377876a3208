package io.arauto.api;

import org.apache.camel.dataformat.bindy.annotation.CsvRecord;
import org.apache.camel.dataformat.bindy.annotation.DataField;

/**
 * A line of the opt-out list as CSV, {@code GET} and {@code POST /api/opt-outs.csv}: {@code phone,source,at} with a header
 * line, the phone in E.164, the source as stored ({@code operator}, {@code reply} …), the time in ISO-8601 UTC.
 */
@CsvRecord(separator = ",", skipFirstLine = true, generateHeaderColumns = true, crlf = "UNIX", allowEmptyStream = true)
public class OptOutCsvLine {

    @DataField(pos = 1, columnName = "phone", trim = true)
    private String phone;

    @DataField(pos = 2, columnName = "source", trim = true)
    private String source;

    @DataField(pos = 3, columnName = "at", trim = true)
    private String at;

    public OptOutCsvLine() {
    }

    public OptOutCsvLine(String phone, String source, String at) {
        this.phone = phone;
        this.source = source;
        this.at = at;
    }

    public String getPhone() { return phone; }
    public void setPhone(String phone) { this.phone = phone; }
    public String getSource() { return source; }
    public void setSource(String source) { this.source = source; }
    public String getAt() { return at; }
    public void setAt(String at) { this.at = at; }
}
