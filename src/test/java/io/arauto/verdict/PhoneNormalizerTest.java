package io.arauto.verdict;

import java.util.Random;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.arauto.config.ArautoProperties;

import static org.assertj.core.api.Assertions.assertThat;

class PhoneNormalizerTest {

    private final PhoneNormalizer phones = new PhoneNormalizer(new ArautoProperties());

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "(11) 98765-4321     | +5511987654321",
            "11987654321         | +5511987654321",
            "5511987654321       | +5511987654321",
            "+55 11 98765-4321   | +5511987654321",
            "  +55 (21) 99876-5432 | +5521998765432",
            "11 3333-4444        | +551133334444",
            "+1 650-555-1234     | +16505551234",
            "+55 11 91234-5678   | +5511912345678"})
    void validNumbersBecomeE164(String raw, String e164) {
        assertThat(phones.normalize(raw).e164()).isEqualTo(e164);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "5.51199E+12   | scientific notation",
            "5,51199e+12   | scientific notation",
            "12345         | not a valid number for region BR",
            "abc           | not a phone number",
            "''            | The phone is empty."})
    void invalidNumbersSayWhy(String raw, String problem) {
        PhoneNormalizer.Result result = phones.normalize(raw);
        assertThat(result.valid()).isFalse();
        assertThat(result.problem()).contains(problem);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "+55 (11) 97777-6666 | +5511977776666",
            "011977776666        | +5511977776666"})
    void canonicalFormForMatchingOptOuts(String raw, String e164) {
        assertThat(phones.canonical(raw)).isEqualTo(e164);
    }

    /** pandas and R write a column of whole numbers that has gaps as floats: the ".0" lost nothing. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "11987652077.0       | +5511987652077",
            "5511987652077.0     | +5511987652077",
            "+5511987652077.0    | +5511987652077"})
    void integersWrittenAsFloatsByPandasAreTheirNumber(String raw, String e164) {
        assertThat(phones.normalize(raw).e164()).isEqualTo(e164);
        assertThat(phones.canonical(raw)).isEqualTo(e164);
    }

    @ParameterizedTest
    @ValueSource(strings = {"11987652077.5", "11987652077.00001", "1198765.0.0", "(11) 98765-2077.0"})
    void otherDecimalsAreNotRepaired(String raw) {
        assertThat(phones.normalize(raw).valid()).as(raw).isFalse();
    }

    /** Brazil's 0800 (toll-free), 0300 (shared cost) and 0900 (premium rate) numbers belong to companies' switchboards. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0800 123 4567       | toll-free",
            "0800 727 0000       | toll-free",
            "+55 800 123 4567    | toll-free",
            "0300 123 4567       | shared-cost",
            "0300 789 1234       | shared-cost",
            "0900 123 4567       | premium-rate"})
    void tollFreeAndPremiumRateNumbersCannotHoldWhatsApp(String raw, String kind) {
        PhoneNormalizer.Result result = phones.normalize(raw);
        assertThat(result.valid()).isFalse();
        assertThat(result.problem()).isEqualTo("The phone '" + raw + "' is a " + kind + " number, which cannot hold WhatsApp.");
    }

    @ParameterizedTest
    @CsvSource({"+5511987654321, 5511987654321"})
    void keyIsTheNumberWithoutThePlus(String e164, long key) {
        assertThat(PhoneNormalizer.toKey(e164)).isEqualTo(key);
    }

    /**
     * The plain-Brazilian shortcut must say exactly what libphonenumber's parser says: every verdict,
     * E.164 and problem of {@code normalize}, and every {@code canonical}, on numbers written in the
     * shapes it takes and in the near misses it must leave to the parser.
     */
    @Test
    void shortcutAgreesWithLibphonenumberOnGeneratedNumbers() {
        Random random = new Random(55);
        int valid = 0;
        for (int i = 0; i < 200_000; i++) {
            String raw = generated(random);
            PhoneNormalizer.Result expected = parserOnly(raw);
            PhoneNormalizer.Result actual = phones.normalize(raw);
            assertThat(actual).as("normalize(\"%s\")", raw).isEqualTo(expected);
            assertThat(phones.canonical(raw)).as("canonical(\"%s\")", raw).isEqualTo(canonicalParserOnly(raw));
            valid += expected.valid() ? 1 : 0;
        }
        assertThat(valid).as("valid numbers among the generated ones").isBetween(50_000, 150_000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"9001234567", "0800 123 4567", "0300 123 4567", "+55 0 11 98765-4321", "0 15 11 98765-4321",
            "015 11 98765-4321", "5555987654321", "55987654321", "5532345678", "555532345678", "011987654321", "01132345678",
            "+55 (90) 98765-4321", "90 11 98765-4321", "0055 11 98765-4321", "+5511987654321", "+55 11 8765-4321",
            "(11) 98765-432", "(11) 98765-43210", "+55 (11) 3333-4444", "+55 (11) 93333-4444", "11 7765-4321"})
    void shortcutAgreesWithLibphonenumberOnEdgeCases(String raw) {
        assertThat(phones.normalize(raw)).isEqualTo(parserOnly(raw));
        assertThat(phones.canonical(raw)).isEqualTo(canonicalParserOnly(raw));
    }

    /**
     * The CRM's opt-out list takes {@code canonicalKey}: its fast way for plainly written Brazilian numbers (no validity
     * check, no text built) must give exactly the key of libphonenumber's parser, valid number or not, and every other
     * phone the parser's own answer. Over generated phones in many shapes, most of them the fast way's.
     */
    @Test
    void canonicalKeyIsTheParsersAnswerForEveryShape() {
        Random random = new Random(1955);
        int fast = 0;
        int total = 300_000;
        for (int i = 0; i < total; i++) {
            String raw = i % 2 == 0 ? generated(random) : crmWritten(random);
            long expected = canonicalKeyParserOnly(raw);
            assertThat(phones.canonicalKey(raw)).as("canonicalKey(\"%s\")", raw).isEqualTo(expected);
            assertThat(phones.canonical(raw)).as("canonical(\"%s\")", raw).isEqualTo(expected == 0 ? null : "+" + expected);
            long plain = phones.plainKey(raw);
            if (plain != 0) {
                assertThat(plain).as("plainKey(\"%s\")", raw).isEqualTo(expected);
                fast++;
            }
        }
        assertThat(fast).as("phones the fast way answered").isBetween(total / 10, total - total / 10); // the rest: near misses and other shapes, the slow way
    }

    @ParameterizedTest
    @ValueSource(strings = {"55512345678", "55912345678", "5551234567", "5591234567", "555512345678", "(55) 51234-5678",
            "55 91234-5678", "+55 55 51234-5678", "055 51234-5678", "5555512345678", "1234567890", "12345678901", "0123456789",
            "9012345678", "901234567890", "+55 90 1234-5678", "\t+55 11 98765-4321\u2003", "\u00a011 98765-4321", "11\u00a098765-4321",
            "１１９８７６５４３２１", "11 98765-4321.0", "+55 11 98765-4321 ramal 2", "+5511987654321+", "+ 55 (11) 98765-4321", "(11)(98765)(4321)",
            "-11-98765-4321-", "11 98765 4321 )", "+351 912 345 678", "+1 (650) 555-1234", "  ", "", "+", "+55", "()"})
    void canonicalKeyIsTheParsersAnswerOnEdgeCases(String raw) {
        long expected = canonicalKeyParserOnly(raw);
        assertThat(phones.canonicalKey(raw)).isEqualTo(expected);
        assertThat(phones.canonical(raw)).isEqualTo(expected == 0 ? null : "+" + expected);
        assertThat(phones.plainKey(raw)).isIn(0L, expected);
    }

    @Test
    void canonicalKeyOfNothingIsZero() {
        assertThat(phones.canonicalKey(null)).isZero();
        assertThat(phones.canonical(null)).isNull();
    }

    /**
     * A phone as a CRM may hold it: area codes 10..99 with 55 (and 5x) often, every subscriber length around the real
     * ones, trunk, country and international prefixes, separators, whitespace a strip() removes or keeps, floats.
     */
    private static String crmWritten(Random random) {
        int area = random.nextInt(4) == 0 ? 50 + random.nextInt(10) : 10 + random.nextInt(90);
        StringBuilder subscriber = new StringBuilder();
        int length = 6 + random.nextInt(6);
        for (int d = 0; d < length; d++) {
            subscriber.append(d == 0 && random.nextBoolean() ? (random.nextBoolean() ? 9 : 5) : random.nextInt(10));
        }
        String n = subscriber.toString();
        String[] prefixes = {"", "", "", "+55 ", "+55", "55", "55 ", "0", "0 ", "055", "0055 ", "+ 55 ", "+5", "+550", "55 0",
            "+1 ", "+351 ", "90", "00", "+", "5"};
        String cut = n.length() > 4 ? n.substring(0, n.length() - 4) + pick(random, "-", " ", "", ".", "/") + n.substring(n.length() - 4) : n;
        String body = switch (random.nextInt(5)) {
            case 0 -> area + n;
            case 1 -> "(" + area + ") " + cut;
            case 2 -> area + " " + cut;
            case 3 -> "(" + area + ")" + n;
            default -> area + "-" + cut;
        };
        String text = prefixes[random.nextInt(prefixes.length)] + body;
        return switch (random.nextInt(14)) {
            case 0 -> " " + text + "\t";
            case 1 -> "\u2003" + text;
            case 2 -> text + ".0";
            case 3 -> text.replace(' ', '\u00a0');
            case 4 -> text.replace(" ", "  ");
            case 5 -> text + " ";
            case 6 -> "tel: " + text;
            default -> text;
        };
    }

    private static String pick(Random random, String... options) {
        return options[random.nextInt(options.length)];
    }

    /** canonical's answer the slow way, as a key (0: none): libphonenumber's parser for every phone. */
    private static long canonicalKeyParserOnly(String raw) {
        if (raw == null || raw.isBlank()) {
            return 0;
        }
        String text = PhoneNormalizer.withoutFloatZero(raw.strip());
        if (text.matches("(?i)^\\s*[+-]?\\d+([.,]\\d+)?e[+-]?\\d+\\s*$")) {
            return 0;
        }
        try {
            return PhoneNormalizer.toKey(PhoneNumberUtil.getInstance().format(PhoneNumberUtil.getInstance().parse(text, "BR"),
                    PhoneNumberUtil.PhoneNumberFormat.E164));
        } catch (NumberParseException e) {
            return 0;
        }
    }

    /** A phone as people write it, right or nearly right: prefixes, area codes and lengths around the valid ones. */
    private static String generated(Random random) {
        String[] prefixes = {"", "", "", "0", "55", "+55", "+55 ", "+ 55 ", "+55 0", "0 15 ", "015", "90", "00 55 ", "0055",
                "+1 ", "5", "055", "++55", "+550", "+5", "055 ", "(55) ", "55 0"};
        StringBuilder national = new StringBuilder();
        national.append(random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(9)).append(random.nextInt(10)); // area code, real or not
        int subscriber = random.nextInt(5) == 0 ? 7 + 3 * random.nextInt(2) : 8 + random.nextInt(2); // mostly 8 or 9 digits, the real lengths
        for (int d = 0; d < subscriber; d++) {
            boolean lead = d == 0 && random.nextInt(4) != 0;
            national.append(lead ? (subscriber == 9 ? 9 : 2 + random.nextInt(4)) : random.nextInt(10)); // mostly a mobile's 9 or a landline's 2-5
        }
        String n = national.toString();
        String body = switch (random.nextInt(6)) {
            case 0 -> n;
            case 1 -> "(" + n.substring(0, 2) + ") " + n.substring(2, n.length() - 4) + "-" + n.substring(n.length() - 4);
            case 2 -> n.substring(0, 2) + " " + n.substring(2);
            case 3 -> n.substring(0, 2) + "-" + n.substring(2, 7) + " " + n.substring(7);
            case 4 -> "(" + n.substring(0, 2) + ")" + n.substring(2);
            default -> n.substring(0, 2) + " " + n.substring(2, n.length() - 4) + " " + n.substring(n.length() - 4);
        };
        String text = prefixes[random.nextInt(prefixes.length)] + body;
        return switch (random.nextInt(12)) {
            case 0 -> " " + text + " ";
            case 1 -> text.replace(' ', '.');
            case 2 -> text + " x12";
            case 3 -> text.replace('-', '/');
            case 4 -> "tel. " + text;
            case 5 -> text + ")";
            case 6 -> "(" + text;
            default -> text;
        };
    }

    /** What normalize answered before the shortcut: libphonenumber's parser for everything. */
    private static PhoneNormalizer.Result parserOnly(String raw) {
        PhoneNumberUtil util = PhoneNumberUtil.getInstance();
        String text = raw == null ? "" : raw.strip();
        if (text.isEmpty()) {
            return new PhoneNormalizer.Result(null, "The phone is empty.");
        }
        if (text.matches("(?i)^\\s*[+-]?\\d+([.,]\\d+)?e[+-]?\\d+\\s*$")) {
            return new PhoneNormalizer.Result(null, "The phone '" + text + "' is in scientific notation and lost its digits; format the column as text and export again.");
        }
        try {
            PhoneNumber number = util.parse(text, "BR");
            if (!util.isValidNumber(number)) {
                return new PhoneNormalizer.Result(null, "The phone '" + text + "' is not a valid number for region BR.");
            }
            String kind = switch (util.getNumberType(number)) {
                case TOLL_FREE -> "toll-free";
                case PREMIUM_RATE -> "premium-rate";
                case SHARED_COST -> "shared-cost";
                default -> null;
            };
            if (kind != null) {
                return new PhoneNormalizer.Result(null, "The phone '" + text + "' is a " + kind + " number, which cannot hold WhatsApp.");
            }
            return new PhoneNormalizer.Result(util.format(number, PhoneNumberUtil.PhoneNumberFormat.E164), null);
        } catch (NumberParseException e) {
            return new PhoneNormalizer.Result(null, "The phone '" + text + "' is not a phone number.");
        }
    }

    private static String canonicalParserOnly(String raw) {
        PhoneNumberUtil util = PhoneNumberUtil.getInstance();
        if (raw == null || raw.isBlank() || raw.matches("(?i)^\\s*[+-]?\\d+([.,]\\d+)?e[+-]?\\d+\\s*$")) {
            return null;
        }
        try {
            return util.format(util.parse(raw.strip(), "BR"), PhoneNumberUtil.PhoneNumberFormat.E164);
        } catch (NumberParseException e) {
            return null;
        }
    }
}
