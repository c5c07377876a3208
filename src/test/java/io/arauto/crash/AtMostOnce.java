package io.arauto.crash;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.assertj.core.api.SoftAssertions;

import io.arauto.crash.CampaignFile.StatusFile;
import io.arauto.crash.CampaignFile.StatusRow;
import io.arauto.crash.CloudApiStub.Request;

/** The promise checked at the end of a campaign that went through crashes or outages: every message sent at most once. */
final class AtMostOnce {

    private AtMostOnce() {
    }

    /**
     * @param failing     the numbers the stub refuses for good
     * @param maxUncertain how many messages the crashes or outages may have left UNCERTAIN
     * @param why         what may have left them so, for the failure message
     * @param context     appended to every failure message (the seed to replay)
     */
    static void check(CampaignFile campaign, StatusFile status, Map<String, List<Request>> requests, Set<String> failing,
                      int maxUncertain, String why, String context) {
        Map<String, Integer> doubles = CloudApiStub.doubles(requests);
        System.out.println(campaign.name() + ": final statuses " + status.counts() + ", " + requests.size() + " numbers got "
                + requests.values().stream().mapToInt(List::size).sum() + " requests, " + doubles.size() + " of them more than one"
                + context);
        SoftAssertions soft = new SoftAssertions();
        List<String> twice = doubles.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(e -> e.getKey() + " got " + e.getValue()).toList();
        soft.assertThat(first(twice)).as("numbers that got more than one request: " + doubles.size() + context).isEmpty();

        Map<Integer, Long> rowsSeen = status.rows().stream().collect(Collectors.groupingBy(StatusRow::row, TreeMap::new, Collectors.counting()));
        soft.assertThat(rowsSeen.keySet()).as("the rows of the final status file").isEqualTo(campaign.recipients().keySet());
        soft.assertThat(rowsSeen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList())
                .as("rows that appear more than once in the final status file").isEmpty();

        List<String> wrongNumber = new ArrayList<>();
        List<String> notFinal = new ArrayList<>();
        List<String> sentWrong = new ArrayList<>();
        List<String> failedWrong = new ArrayList<>();
        Set<String> failed = new HashSet<>();
        Set<String> uncertain = new HashSet<>();
        for (StatusRow row : status.rows()) {
            String to = row.recipient();
            if (!to.equals(campaign.recipients().get(row.row()))) {
                wrongNumber.add("row " + row.row() + " has " + row.e164());
            }
            List<Request> got = requests.getOrDefault(to, List.of());
            switch (row.status()) {
                case "SENT" -> {
                    if (got.size() != 1 || !row.messageId().equals(got.get(0).wamid())) {
                        sentWrong.add("row " + row.row() + " SENT as " + row.messageId() + " after " + got.size()
                                + " request(s) answered " + got.stream().map(Request::wamid).toList());
                    }
                }
                case "FAILED" -> {
                    failed.add(to);
                    if (got.size() != 1 || !CloudApiStub.FAILURE_CODE.equals(row.errorCode())) {
                        failedWrong.add("row " + row.row() + " FAILED with code " + row.errorCode() + " after " + got.size() + " request(s)");
                    }
                }
                case "UNCERTAIN" -> uncertain.add(to);
                default -> notFinal.add("row " + row.row() + " is " + row.status() + ": " + row.reason());
            }
        }
        soft.assertThat(first(wrongNumber)).as(wrongNumber.size() + " rows whose number is not the one of that row in the file").isEmpty();
        soft.assertThat(first(notFinal)).as(notFinal.size() + " rows not SENT, FAILED or UNCERTAIN at the end").isEmpty();
        soft.assertThat(first(sentWrong)).as(sentWrong.size() + " SENT rows without exactly one request, answered with that row's message id")
                .isEmpty();
        soft.assertThat(first(failedWrong)).as(failedWrong.size() + " FAILED rows without exactly one request, answered with Meta's error " + CloudApiStub.FAILURE_CODE)
                .isEmpty();
        // a number Meta refuses may have been in flight at a kill: then UNCERTAIN is its right status
        Set<String> refusedAndAnswered = new HashSet<>(failing);
        refusedAndAnswered.removeAll(uncertain);
        soft.assertThat(failed).as("the FAILED numbers: exactly those Meta refused (less any left UNCERTAIN by a kill)")
                .isEqualTo(refusedAndAnswered);
        soft.assertThat(uncertain.size()).as("UNCERTAIN rows " + why).isLessThanOrEqualTo(maxUncertain);
        Set<String> unknown = new HashSet<>(requests.keySet());
        unknown.removeAll(campaign.recipients().values());
        soft.assertThat(unknown).as("numbers that got a request but are not in the campaign").isEmpty();
        soft.assertAll();
    }

    /** The first few of a long list, and how many more there are: a failure message stays readable. */
    static List<String> first(List<String> all) {
        if (all.size() <= 15) {
            return all;
        }
        List<String> shown = new ArrayList<>(all.subList(0, 15));
        shown.add("... and " + (all.size() - 15) + " more");
        return shown;
    }
}
