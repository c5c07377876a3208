package io.arauto.optout;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;

/**
 * The CRM's opt-out list could not be read (the CRM is down, unreachable or refused the query):
 * nothing may be judged or sent against a list Arauto could not see, so a file is rejected and
 * sending waits until it can be read again. The message says what went wrong in plain words, for a
 * file's note: never an exception's name, and never the database's own text, which can quote a row.
 */
public class CrmUnavailableException extends RuntimeException {

    public CrmUnavailableException(Throwable cause) {
        this(cause, "arauto.optout.query", "the opt-out query");
    }

    /** The CRM refused or did not answer {@code key}'s query ({@code asked}: how a person calls it). */
    CrmUnavailableException(Throwable cause, String key, String asked) {
        super("Arauto could not read the CRM's opt-out list (" + describe(cause, key + ": check the table and column names", asked) + ")",
                cause);
    }

    /**
     * What went wrong with the CRM database, in plain words: unreachable, a refused login, a refused
     * statement ("the CRM database refused " + {@code refused}), or no answer (to {@code asked}).
     */
    public static String describe(Throwable cause, String refused, String asked) {
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
                    return "the CRM database refused " + refused;
                }
            }
        }
        return "the CRM database did not answer " + asked;
    }
}
