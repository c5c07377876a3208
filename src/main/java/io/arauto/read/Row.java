package io.arauto.read;

import java.util.List;
import java.util.Map;

/**
 * One data row of a spreadsheet. {@code number} is the row number a spreadsheet program shows
 * (the header is row 1). {@code cells.get(0)} is the phone as found in the file; the other cells
 * are the variables as the spreadsheet displays them. {@code unreadable} names, by column index,
 * cells the file holds but whose value it does not (a formula never calculated), in plain words
 * that follow "Column 'x' ".
 */
public record Row(int number, List<String> cells, Map<Integer, String> unreadable) {

    public Row(int number, List<String> cells) {
        this(number, cells, Map.of());
    }

    public String cell(int index) {
        return index < cells.size() ? cells.get(index) : "";
    }

    public String phone() {
        return cell(0);
    }

    /** Why the cell at {@code index} has no value to read, or null when it has one (or is plainly empty). */
    public String unreadable(int index) {
        return unreadable.get(index);
    }
}
