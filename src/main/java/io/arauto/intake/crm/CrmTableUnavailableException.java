package io.arauto.intake.crm;

import io.arauto.optout.CrmUnavailableException;

/**
 * The CRM trigger table could not be read or written (the CRM is down, unreachable, or refused the
 * statement): the rows wait in it and are taken once it can be again. The message says what went
 * wrong in plain words: never an exception's name, and never the database's own text, which can quote a row.
 */
public class CrmTableUnavailableException extends RuntimeException {

    public CrmTableUnavailableException(String table, Throwable cause) {
        super("The CRM trigger table " + table + " could not be used (" + what(cause) + ")", cause);
    }

    static String what(Throwable cause) {
        return CrmUnavailableException.describe(cause, "the statement: check the table's columns against the README", "").strip();
    }
}
