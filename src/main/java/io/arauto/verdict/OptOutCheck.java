package io.arauto.verdict;

/** The opt-out lists a file's rows are judged against, as they stood when the file was opened. */
@FunctionalInterface
public interface OptOutCheck {

    /** The name of the list that holds the number ({@link PhoneNormalizer#toKey}), or null when none does. */
    String sourceOf(long phoneKey);
}
