package io.arauto.optout;

import org.springframework.core.NestedExceptionUtils;

/**
 * The CRM's opt-out list could not be read (the CRM is down, unreachable or refused the query):
 * nothing may be judged or sent against a list Arauto could not see, so a file is rejected and
 * sending waits until it can be read again.
 */
public class CrmUnavailableException extends RuntimeException {

    public CrmUnavailableException(Throwable cause) {
        // the class only: a database's message can quote the row it choked on, phone numbers included
        super("Arauto could not read the CRM's opt-out list ("
                + NestedExceptionUtils.getMostSpecificCause(cause).getClass().getSimpleName() + ")", cause);
    }
}
