package io.arauto.read;

import java.util.List;

/**
 * One data row of a spreadsheet. {@code number} is the row number a spreadsheet program shows
 * (the header is row 1). {@code cells.get(0)} is the phone as found in the file; the other cells
 * are the variables as the spreadsheet displays them.
 */
public record Row(int number, List<String> cells) {

    public String cell(int index) {
        return index < cells.size() ? cells.get(index) : "";
    }

    public String phone() {
        return cell(0);
    }
}
