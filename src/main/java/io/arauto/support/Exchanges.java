package io.arauto.support;

/**
 * The exchange contract between the routes: every header and exchange property that one route
 * (or a bean it calls) sets for another to read. The routes' YAML cannot name these constants, so
 * it spells the same words and its comments point here; ExchangesTest checks that every
 * {@code Arauto*} name and exchange property in routes/*.camel.yaml is one of them.
 *
 * <pre>
 * name                 kind      set by                                  read by
 * ArautoSource         header    intake-folder, intake-sftp,             campaign-intake (the campaign's source), intake-error-target
 *                                api-campaign-upload (CampaignUploads)
 * ArautoRejection      header    api-upload-errors                       CampaignUploads (the reason an upload was refused)
 * ArautoRejected       property  intake-errors (CampaignIntake.reject,   intake-error-target, sftp-error-target (the note written as the
 *                                an io.arauto.intake.Rejection)          name in error/ is claimed), intake-errors (the operator's line)
 * ArautoErrorTarget    header    intake-error-target (LocalFolders),     the consumers' moveFailed; intake-errors
 *                                sftp-error-target (SftpFolders)
 * ArautoLocalPath      header    intake-folder, intake-sftp,             campaign-intake (the file it reads), api-campaign-upload
 *                                CampaignUploads
 * ArautoArchiveName    header    campaign-intake                         intake-folder, intake-sftp (their ArautoArchiveTarget), api-campaign-upload
 * ArautoCampaignId     header    campaign-intake, sftp-write-back        intake-folder, api-campaign-upload (archived), CampaignUploads,
 *                                                                        SftpReadLockStrategy (archived once moved),
 *                                                                        sftp-write-back, sftp-write-back-errors
 * ArautoDryRunEstimate header    campaign-intake (DryRunEstimates)       CampaignUploads (the dry run's estimate in the answer)
 * ArautoSendAt         header    CampaignUploads (an upload's send-at,   campaign-intake (close: nothing of the campaign goes out before it)
 *                                an OffsetDateTime)
 * ArautoArchiveTarget  header    intake-folder, intake-sftp              their consumers' move option; none on an SFTP file
 *                                                                        that changed while read: SftpMoves leaves it
 * intake               property  campaign-intake, schedule-occurrence    campaign-rows, campaign-intake, intake-errors, schedule-occurrence,
 *                                (an OpenIntake)                         schedule-errors, api-upload-errors
 * ArautoCampaign       property  sftp-write-back (the Campaign)          sftp-write-back
 * ArautoSftpClaim      property  SftpReadLockStrategy                    SftpReadLockStrategy, SftpExceptionHandler
 * ArautoClaimed        property  send-batch, send-cloud-api              send-batch, send-cloud-api (the io.arauto.send.Claimed message)
 * ArautoTurn           property  send-batch (SendPace.awaitTurn: when     send-batch (MessageSender.departs: how long after its turn
 *                                the request's turn was due)             the request left)
 * ArautoRequestOut     property  send-batch (just before the request)    send-batch (latency); its doCatch: UNCERTAIN if set, QUEUED again if not
 * ArautoMoreDue        property  send-take-batch (SendQueue.moreDue)     send-dispatch (takes the next batch at once while true)
 * ArautoBatch          property  send-batch (the batch, a List)          send-batch (SendQueue.pickedUp: each message taken by a sender thread)
 * ArautoSchedule       header    schedule-NAME (route template schedule) schedule-occurrence, schedule-errors (the schedule's name)
 * ArautoOccurrence     header    schedule-NAME (Quartz's scheduled fire  schedule-occurrence, schedule-errors (the occurrence's time, a Date)
 *                                time)
 * </pre>
 */
public final class Exchanges {

    /** Header: where the file came from, {@link #FOLDER}, {@link #SFTP} or {@link #API}; kept as the campaign's source. */
    public static final String SOURCE = "ArautoSource";
    /** Header: why an uploaded file was refused, in plain words (set instead of {@link #CAMPAIGN_ID}). */
    public static final String REJECTION = "ArautoRejection";
    /** Header: where a rejected file goes (a path for the folder, relative to the server's directory for SFTP). */
    public static final String ERROR_TARGET = "ArautoErrorTarget";
    /** Header: the file on local disk that campaign-intake reads (the SFTP consumer's download). */
    public static final String LOCAL_PATH = "ArautoLocalPath";
    /** Header: an accepted file's name under archive/, {@code <template>/<name>.<campaign-id>.<ext>}. */
    public static final String ARCHIVE_NAME = "ArautoArchiveName";
    /** Header: the campaign the file went into, or whose status files go to the SFTP server. */
    public static final String CAMPAIGN_ID = "ArautoCampaignId";
    /** Header: a dry run's estimate (io.arauto.send.DryRunEstimates.DryRunEstimate): its share of the daily tier, when it would finish. */
    public static final String DRY_RUN_ESTIMATE = "ArautoDryRunEstimate";
    /** Header: an upload's send-at (a java.time.OffsetDateTime): none of its campaign's messages is sent before it. */
    public static final String SEND_AT = "ArautoSendAt";
    /** Header: where an accepted file goes, for the consumer's {@code move}; absent, an SFTP file stays on the server (SftpMoves). */
    public static final String ARCHIVE_TARGET = "ArautoArchiveTarget";

    /** Exchange property: the message being sent ({@code io.arauto.send.Claimed}), while its request is out. */
    public static final String CLAIMED = "ArautoClaimed";
    /** Exchange property: when the request's turn was due (System.nanoTime, io.arauto.send.SendPace#awaitTurn). */
    public static final String TURN = "ArautoTurn";
    /** Exchange property: when the provider's request left (System.nanoTime); a failure after it leaves the message UNCERTAIN. */
    public static final String REQUEST_OUT = "ArautoRequestOut";
    /** Exchange property: the batch just taken was full, so the dispatch takes the next one at once. */
    public static final String MORE_DUE = "ArautoMoreDue";
    /** Exchange property: the batch a message came in (the List handed over), for SendQueue's count of messages not yet taken. */
    public static final String BATCH = "ArautoBatch";

    /** Header: the name of the schedule whose occurrence this is ({@code arauto.schedules.<name>}). */
    public static final String SCHEDULE_NAME = "ArautoSchedule";
    /** Header: the time an occurrence of a schedule was due (a {@link java.util.Date}, Quartz's scheduled fire time). */
    public static final String OCCURRENCE = "ArautoOccurrence";

    /** Exchange property: the file's {@code io.arauto.intake.OpenIntake} while campaign-intake reads it, and for its error handling. */
    public static final String INTAKE = "intake";
    /** Exchange property: the campaign whose status files go to the SFTP server. */
    public static final String CAMPAIGN = "ArautoCampaign";
    /** Exchange property: a file being rejected ({@code io.arauto.intake.Rejection}), whose note goes to error/ beside it. */
    public static final String REJECTED = "ArautoRejected";
    /** Exchange property: the SFTP claim (SftpReadLockStrategy's key) this exchange holds. */
    public static final String SFTP_CLAIM = "ArautoSftpClaim";

    /** {@link #SOURCE} of a file from the local inbox. */
    public static final String FOLDER = "folder";
    /** {@link #SOURCE} of a file from the SFTP server. */
    public static final String SFTP = "sftp";
    /** {@link #SOURCE} of a file uploaded to {@code POST /api/campaigns}. */
    public static final String API = "api";
    /** The source of a campaign a nightly schedule made from its audience query. */
    public static final String SCHEDULE = "schedule";

    private Exchanges() {
    }
}
