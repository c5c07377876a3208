package io.arauto.intake.crm;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;

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
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof SocketTimeoutException
                    || t instanceof java.sql.SQLTransientConnectionException) {
                return "the CRM database could not be reached";
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08")) {
                    return "the CRM database could not be reached";
                }
                if (state.startsWith("28")) {
                    return "the CRM database refused Arauto's login";
                }
                if (state.startsWith("42")) {
                    return "the CRM database refused the statement: check the table's columns against the README";
                }
            }
        }
        return "the CRM database did not answer";
    }
}
