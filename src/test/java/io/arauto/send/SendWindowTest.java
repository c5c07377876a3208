package io.arauto.send;

import java.time.Instant;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;

import io.arauto.config.ArautoProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The send window in the recipient's local time, as libphonenumber's time-zone mapper places the number. */
class SendWindowTest {

    private static final String SAO_PAULO = "+5511960000001";
    private static final String MANAUS = "+5592960000002";
    /** An Australian mobile: any of eight zones, from the Cocos Islands (UTC+6:30) to Lord Howe Island (UTC+10:30 in July). */
    private static final String AUSTRALIA = "+61412345678";
    /** A toll-free North American number: 42 zones, from Pago Pago (UTC-11) to Guam (UTC+10). */
    private static final String TOLL_FREE = "+18005550123";

    @Test
    void aNumberGoesOnlyInsideTheWindowInItsOwnZone() {
        SendWindow window = window("08:00-20:00", "America/Sao_Paulo");
        Instant at = Instant.parse("2026-07-01T11:30:00Z"); // 08:30 in São Paulo, 07:30 in Manaus

        assertThat(window.closedFor(SAO_PAULO, at)).isEmpty();
        SendWindow.Closed manaus = window.closedFor(MANAUS, at).orElseThrow();
        assertThat(manaus.opensAt()).isEqualTo(Instant.parse("2026-07-01T12:00:00Z"));
        assertThat(manaus.reason()).isEqualTo("Waiting: outside the send window 08:00-20:00 in the recipient's time "
                + "(America/Manaus); goes at 08:00.");
        assertThat(window.closedFor(MANAUS, Instant.parse("2026-07-01T12:00:00Z"))).isEmpty();
        // 20:00 is closed: São Paulo's evening goes on the next morning
        SendWindow.Closed evening = window.closedFor(SAO_PAULO, Instant.parse("2026-07-01T23:00:00Z")).orElseThrow();
        assertThat(evening.opensAt()).isEqualTo(Instant.parse("2026-07-02T11:00:00Z"));
    }

    @Test
    void aNumberInSeveralZonesGoesOnlyWhenTheWindowIsOpenInAllOfThem() {
        SendWindow window = window("08:00-20:00", "America/Sao_Paulo");
        assertThat(window.zonesOf(AUSTRALIA)).hasSizeGreaterThan(1).contains(ZoneId.of("Australia/Perth"), ZoneId.of("Australia/Sydney"));
        // 08:30 in Sydney (AEST, UTC+10) is 06:30 in Perth: closed until the last of them, the Cocos Islands, opens
        Instant sydneyMorning = Instant.parse("2026-07-01T22:30:00Z");
        SendWindow.Closed closed = window.closedFor(AUSTRALIA, sydneyMorning).orElseThrow();
        assertThat(closed.opensAt()).isEqualTo(Instant.parse("2026-07-02T01:30:00Z")); // 08:00 on the Cocos Islands
        assertThat(closed.reason()).contains("open in all of them only", "and 5 more").doesNotContain("+61");
        // and from then on it is open everywhere until the first of them closes at 20:00 (Lord Howe, UTC+10:30)
        assertThat(window.closedFor(AUSTRALIA, Instant.parse("2026-07-02T01:29:00Z"))).isPresent();
        assertThat(window.closedFor(AUSTRALIA, Instant.parse("2026-07-02T01:30:00Z"))).isEmpty();
        assertThat(window.closedFor(AUSTRALIA, Instant.parse("2026-07-02T09:29:00Z"))).isEmpty();
        assertThat(window.closedFor(AUSTRALIA, Instant.parse("2026-07-02T09:31:00Z"))).isPresent();
    }

    @Test
    void zonesNeverOpenAtOnceOrNoZoneAtAllLeaveItToTheDefaultZone() {
        // 09:00-17:00 is never open at once from Pago Pago (UTC-11) to Guam (UTC+10) and St. John's (UTC-2:30)
        SendWindow window = window("09:00-17:00", "America/Sao_Paulo");
        Instant saoPauloMorning = Instant.parse("2026-07-01T13:00:00Z"); // 10:00
        Instant saoPauloNight = Instant.parse("2026-07-01T02:00:00Z"); // 23:00 the day before
        assertThat(window.closedFor(TOLL_FREE, saoPauloMorning)).isEmpty();
        SendWindow.Closed night = window.closedFor(TOLL_FREE, saoPauloNight).orElseThrow();
        assertThat(night.opensAt()).isEqualTo(Instant.parse("2026-07-01T12:00:00Z"));
        assertThat(night.reason()).contains("never open at once", "America/Sao_Paulo time decides; goes at 09:00 there");
        // a wider window is open in all of them for a while: then that decides
        SendWindow wide = window("08:00-20:00", "America/Sao_Paulo");
        assertThat(wide.closedFor(TOLL_FREE, saoPauloMorning).orElseThrow().opensAt()).isEqualTo(Instant.parse("2026-07-01T22:00:00Z"));

        String unknown = "+15550001111"; // a 555 number: the mapper knows no zone for it
        assertThat(window.zonesOf(unknown)).containsExactly(ZoneId.of("America/Sao_Paulo"));
        assertThat(window.closedFor(unknown, saoPauloNight).orElseThrow().reason()).contains("(America/Sao_Paulo)");
        assertThat(window("08:00-20:00", "Europe/Lisbon").zonesOf(unknown)).containsExactly(ZoneId.of("Europe/Lisbon"));
    }

    @Test
    void aWindowAcrossMidnightAndNoWindowAtAll() {
        SendWindow night = window("22:00-06:00", "America/Sao_Paulo");
        assertThat(night.closedFor(SAO_PAULO, Instant.parse("2026-07-01T02:00:00Z"))).isEmpty(); // 23:00
        assertThat(night.closedFor(SAO_PAULO, Instant.parse("2026-07-01T08:30:00Z"))).isEmpty(); // 05:30
        assertThat(night.closedFor(SAO_PAULO, Instant.parse("2026-07-01T09:00:00Z")).orElseThrow().opensAt())
                .isEqualTo(Instant.parse("2026-07-02T01:00:00Z"));

        SendWindow always = window("", "America/Sao_Paulo");
        assertThat(always.limits()).isFalse();
        assertThat(always.closedFor(SAO_PAULO, Instant.parse("2026-07-01T05:00:00Z"))).isEmpty();
    }

    @Test
    void aWindowThatIsNotOneIsRefusedAtStartNamingTheKey() {
        for (String wrong : new String[] {"8-20", "08:00", "08:00-25:00", "08:00-08:00", "08:00 to 20:00", "20:00-08:00-09:00"}) {
            assertThatThrownBy(() -> window(wrong, "America/Sao_Paulo")).as(wrong).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("arauto.send.window").hasMessageContaining("08:00-20:00").hasMessageContaining("'" + wrong + "'");
        }
        assertThat(window(" 09:30 - 18:00 ", "America/Sao_Paulo").text()).isEqualTo("09:30-18:00");
    }

    private static SendWindow window(String window, String defaultZone) {
        ArautoProperties properties = new ArautoProperties();
        properties.getSend().setWindow(window);
        properties.getSend().setDefaultTimeZone(ZoneId.of(defaultZone));
        return new SendWindow(properties);
    }
}
