package io.arauto.optout;

import java.text.Normalizer;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.stereotype.Component;

import io.arauto.config.ArautoProperties;

/**
 * Whether a reply's text (or a quick-reply button's payload or text) is an opt-out keyword
 * ({@code arauto.optout.keywords}) or an opt-in one ({@code arauto.optout.opt-in-keywords}). The
 * text must be the keyword and nothing more, compared ignoring case, accents, and the punctuation,
 * spaces and emoji around it: "Sair.", " PARAR! " and "#optout 🙏" are keywords, "não quero sair
 * agora" is not. A {@code #} in front counts as punctuation, so {@code #OPTOUT} and {@code OPTOUT} match alike.
 */
@Component
public class OptOutKeywords {

    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    private static final Pattern SPACES = Pattern.compile("\\s+");

    private final Set<String> optOut;
    private final Set<String> optIn;

    public OptOutKeywords(ArautoProperties properties) {
        this.optOut = folded(properties.getOptout().getKeywords());
        this.optIn = folded(properties.getOptout().getOptInKeywords());
        for (String word : optIn) {
            if (optOut.contains(word)) {
                throw new InvalidConfigurationPropertyValueException("arauto.optout.opt-in-keywords",
                        properties.getOptout().getOptInKeywords(), "'" + word + "' is an opt-out keyword too");
            }
        }
    }

    public boolean isOptOutKeyword(String text) {
        return text != null && optOut.contains(fold(text));
    }

    public boolean isOptInKeyword(String text) {
        return text != null && optIn.contains(fold(text));
    }

    /**
     * The text as it is compared: accents taken off (Unicode decomposition, then its combining marks
     * dropped), in upper case, without what is neither a letter nor a digit at either end, and with
     * runs of spaces inside made one.
     */
    static String fold(String text) {
        String plain = MARKS.matcher(Normalizer.normalize(text, Normalizer.Form.NFKD)).replaceAll("");
        int start = 0;
        int end = plain.length();
        while (start < end && !Character.isLetterOrDigit(plain.codePointAt(start))) {
            start += Character.charCount(plain.codePointAt(start));
        }
        while (end > start && !Character.isLetterOrDigit(plain.codePointBefore(end))) {
            end -= Character.charCount(plain.codePointBefore(end));
        }
        return SPACES.matcher(plain.substring(start, end)).replaceAll(" ").toUpperCase(Locale.ROOT);
    }

    private static Set<String> folded(List<String> words) {
        Set<String> set = new HashSet<>();
        for (String word : words) {
            String f = fold(word);
            if (!f.isEmpty()) {
                set.add(f);
            }
        }
        return Set.copyOf(set);
    }
}
