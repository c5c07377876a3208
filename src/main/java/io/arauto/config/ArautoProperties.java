package io.arauto.config;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Every {@code arauto.*} key of the SPEC, with its default. */
@ConfigurationProperties("arauto")
public class ArautoProperties {

    private Path dataDir = Path.of("./data");
    private String defaultRegion = "BR";
    private java.util.Locale locale = java.util.Locale.forLanguageTag("pt-BR");
    private Path templatesFile = Path.of("config/templates.yml");
    private final Intake intake = new Intake();
    private final Provider provider = new Provider();
    private final Send send = new Send();
    private final OptOut optout = new OptOut();
    private final Reports reports = new Reports();
    private final Crm crm = new Crm();
    private final Ledger ledger = new Ledger();
    private final Leader leader = new Leader();
    private final Webhook webhook = new Webhook();
    private final Api api = new Api();
    /** {@code arauto.schedules.<name>.*}: nightly campaigns, by name, in the order they are written. */
    private final java.util.Map<String, Schedule> schedules = new java.util.LinkedHashMap<>();

    public Path getDataDir() { return dataDir; }
    public void setDataDir(Path dataDir) { this.dataDir = dataDir; }
    public String getDefaultRegion() { return defaultRegion; }
    public void setDefaultRegion(String defaultRegion) { this.defaultRegion = defaultRegion; }
    public java.util.Locale getLocale() { return locale; }
    public void setLocale(java.util.Locale locale) { this.locale = locale; }
    public Path getTemplatesFile() { return templatesFile; }
    public void setTemplatesFile(Path templatesFile) { this.templatesFile = templatesFile; }
    public Intake getIntake() { return intake; }
    public Provider getProvider() { return provider; }
    public Send getSend() { return send; }
    public OptOut getOptout() { return optout; }
    public Reports getReports() { return reports; }
    public Crm getCrm() { return crm; }
    public Ledger getLedger() { return ledger; }
    public Leader getLeader() { return leader; }
    public Webhook getWebhook() { return webhook; }
    public Api getApi() { return api; }
    public java.util.Map<String, Schedule> getSchedules() { return schedules; }

    public Path archiveDir() { return dataDir.resolve("archive"); }
    public Path errorDir() { return dataDir.resolve("error"); }
    public Path outboxDir() { return dataDir.resolve("outbox"); }
    public Path auditDir() { return dataDir.resolve("audit"); }

    /** The REST API under /api. */
    public static class Api {
        /** The Bearer token every /api request must present; empty: one is generated and kept under the data folder. */
        private String token = "";
        /** Entries per page when a listing is asked for none. */
        private int pageSize = 50;

        public String getToken() { return token; }
        public void setToken(String token) { this.token = token; }
        public int getPageSize() { return pageSize; }
        public void setPageSize(int pageSize) { this.pageSize = pageSize; }
    }

    public static class Intake {
        private Path dir;
        private boolean doneFiles;
        private Duration duplicateWindow = Duration.ofDays(7);
        private Duration stableFor = Duration.ofSeconds(2);
        /** Rows per ledger batch; unset, the ledger's own (MessageLedger.batchRows): 1,000 on H2, 5,000 on PostgreSQL. */
        private Integer batchSize;
        private Duration pollDelay = Duration.ofSeconds(1);
        private Duration readLockCheckInterval = Duration.ofSeconds(1);
        private final Sftp sftp = new Sftp();

        public Path getDir() { return dir; }
        public void setDir(Path dir) { this.dir = dir; }
        public boolean isDoneFiles() { return doneFiles; }
        public void setDoneFiles(boolean doneFiles) { this.doneFiles = doneFiles; }
        public Duration getDuplicateWindow() { return duplicateWindow; }
        public void setDuplicateWindow(Duration duplicateWindow) { this.duplicateWindow = duplicateWindow; }
        public Duration getStableFor() { return stableFor; }
        public void setStableFor(Duration stableFor) { this.stableFor = stableFor; }
        public Integer getBatchSize() { return batchSize; }
        public void setBatchSize(Integer batchSize) {
            if (batchSize != null && batchSize < 1) { // 0 would make a file an endless run of empty batches
                throw new IllegalArgumentException("arauto.intake.batch-size must be at least 1 (or left out: 1000 rows on H2, "
                        + "5000 on PostgreSQL), not " + batchSize);
            }
            this.batchSize = batchSize;
        }
        public Duration getPollDelay() { return pollDelay; }
        public void setPollDelay(Duration pollDelay) { this.pollDelay = pollDelay; }
        public Duration getReadLockCheckInterval() { return readLockCheckInterval; }
        public void setReadLockCheckInterval(Duration readLockCheckInterval) { this.readLockCheckInterval = readLockCheckInterval; }
        public Sftp getSftp() { return sftp; }
    }

    /** {@code arauto.intake.sftp.*}: files taken from {@code <directory>/<template>/} on an SFTP server. */
    public static class Sftp {
        private boolean enabled;
        private String host;
        private int port = 22;
        private String username;
        private String password;
        private Path privateKeyFile;
        private String privateKeyPassphrase;
        private String directory = "inbox";
        private Path knownHostsFile;
        private boolean strictHostKeyChecking = true;
        private Duration stableFor = Duration.ofSeconds(30);
        private Duration pollDelay = Duration.ofSeconds(5);
        private int backoffMultiplier = 6;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration timeout = Duration.ofSeconds(60);
        private Duration claimLease = Duration.ofMinutes(2);

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public String getHost() { return host; }
        public void setHost(String host) { this.host = host; }
        public int getPort() { return port; }
        public void setPort(int port) { this.port = port; }
        public String getUsername() { return username; }
        public void setUsername(String username) { this.username = username; }
        public String getPassword() { return password; }
        public void setPassword(String password) { this.password = password; }
        public Path getPrivateKeyFile() { return privateKeyFile; }
        public void setPrivateKeyFile(Path privateKeyFile) { this.privateKeyFile = privateKeyFile; }
        public String getPrivateKeyPassphrase() { return privateKeyPassphrase; }
        public void setPrivateKeyPassphrase(String privateKeyPassphrase) { this.privateKeyPassphrase = privateKeyPassphrase; }
        public String getDirectory() { return directory; }
        public void setDirectory(String directory) { this.directory = directory; }
        public Path getKnownHostsFile() { return knownHostsFile; }
        public void setKnownHostsFile(Path knownHostsFile) { this.knownHostsFile = knownHostsFile; }
        public boolean isStrictHostKeyChecking() { return strictHostKeyChecking; }
        public void setStrictHostKeyChecking(boolean strictHostKeyChecking) { this.strictHostKeyChecking = strictHostKeyChecking; }
        public Duration getStableFor() { return stableFor; }
        public void setStableFor(Duration stableFor) { this.stableFor = stableFor; }
        public Duration getPollDelay() { return pollDelay; }
        public void setPollDelay(Duration pollDelay) { this.pollDelay = pollDelay; }
        public int getBackoffMultiplier() { return backoffMultiplier; }
        public void setBackoffMultiplier(int backoffMultiplier) { this.backoffMultiplier = backoffMultiplier; }
        public Duration getConnectTimeout() { return connectTimeout; }
        public void setConnectTimeout(Duration connectTimeout) { this.connectTimeout = connectTimeout; }
        public Duration getTimeout() { return timeout; }
        public void setTimeout(Duration timeout) { this.timeout = timeout; }
        public Duration getClaimLease() { return claimLease; }
        public void setClaimLease(Duration claimLease) { this.claimLease = claimLease; }

        /** host:port, as log lines and health name the server. */
        public String server() { return host + ":" + port; }

        /** The intake directory in words: {@code '/srv/inbox'}, or {@code 'inbox' under the login folder}. */
        public String directoryInWords() {
            String dir = SftpSettings.directory(directory);
            return "'" + dir + "'" + (dir.startsWith("/") ? "" : " under the login folder");
        }

        /** The known_hosts file in use: the configured one, or the user's own as OpenSSH does. */
        public Path knownHosts() {
            return knownHostsFile != null ? knownHostsFile : Path.of(System.getProperty("user.home"), ".ssh", "known_hosts");
        }

        @Override
        public String toString() { // the password and passphrase never reach a log line
            return "Sftp[enabled=" + enabled + ", server=" + server() + ", username=" + username + ", directory=" + directory
                    + ", privateKeyFile=" + privateKeyFile + ", knownHostsFile=" + knownHostsFile + "]";
        }
    }

    public static class Provider {
        private String type = "sandbox";
        private final CloudApi cloudApi = new CloudApi();
        private final Sandbox sandbox = new Sandbox();

        public String getType() { return type; }
        public void setType(String type) { this.type = type; }
        public CloudApi getCloudApi() { return cloudApi; }
        public Sandbox getSandbox() { return sandbox; }
    }

    public static class CloudApi {
        private String baseUrl = "https://graph.facebook.com";
        private String apiVersion = "v23.0";
        private String phoneNumberId;
        private String accessToken;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration readTimeout = Duration.ofSeconds(30);

        public String getBaseUrl() { return baseUrl; }
        public void setBaseUrl(String baseUrl) { this.baseUrl = baseUrl; }
        public String getApiVersion() { return apiVersion; }
        public void setApiVersion(String apiVersion) { this.apiVersion = apiVersion; }
        public String getPhoneNumberId() { return phoneNumberId; }
        public void setPhoneNumberId(String phoneNumberId) { this.phoneNumberId = phoneNumberId; }
        public String getAccessToken() { return accessToken; }
        public void setAccessToken(String accessToken) { this.accessToken = accessToken; }
        public Duration getConnectTimeout() { return connectTimeout; }
        public void setConnectTimeout(Duration connectTimeout) { this.connectTimeout = connectTimeout; }
        public Duration getReadTimeout() { return readTimeout; }
        public void setReadTimeout(Duration readTimeout) { this.readTimeout = readTimeout; }

        @Override
        public String toString() { // the token never reaches a log line
            return "CloudApi[baseUrl=" + baseUrl + ", apiVersion=" + apiVersion + ", phoneNumberId=" + phoneNumberId + "]";
        }
    }

    public static class Sandbox {
        private Duration deliveredAfter = Duration.ofMillis(500);
        private Duration readAfter = Duration.ofMillis(1500);
        private Duration replyAfter = Duration.ofSeconds(3);
        /** Every n-th message the sandbox takes gets a reply (0: none). */
        private int replyEvery = 4;
        /** Every n-th message the sandbox takes fails instead of arriving (0: none). */
        private int failEvery = 5;

        public Duration getDeliveredAfter() { return deliveredAfter; }
        public void setDeliveredAfter(Duration deliveredAfter) { this.deliveredAfter = deliveredAfter; }
        public Duration getReadAfter() { return readAfter; }
        public void setReadAfter(Duration readAfter) { this.readAfter = readAfter; }
        public Duration getReplyAfter() { return replyAfter; }
        public void setReplyAfter(Duration replyAfter) { this.replyAfter = replyAfter; }
        public int getReplyEvery() { return replyEvery; }
        public void setReplyEvery(int replyEvery) { this.replyEvery = replyEvery; }
        public int getFailEvery() { return failEvery; }
        public void setFailEvery(int failEvery) { this.failEvery = failEvery; }
    }

    /** {@code arauto.webhook.*}: Meta's webhook calls (statuses, replies) on {@code /webhooks/whatsapp}. */
    public static class Webhook {
        private String verifyToken;
        private String appSecret;
        /** How often stored events that are due are applied: the sandbox's reports, and calls a crash or an outage left. */
        private Duration sweepInterval = Duration.ofMillis(200);

        public String getVerifyToken() { return verifyToken; }
        public void setVerifyToken(String verifyToken) { this.verifyToken = verifyToken; }
        public String getAppSecret() { return appSecret; }
        public void setAppSecret(String appSecret) { this.appSecret = appSecret; }
        public Duration getSweepInterval() { return sweepInterval; }
        public void setSweepInterval(Duration sweepInterval) { this.sweepInterval = sweepInterval; }

        @Override
        public String toString() { // neither the token nor the secret reaches a log line
            return "Webhook[verifyToken=" + (verifyToken == null || verifyToken.isEmpty() ? "unset" : "set")
                    + ", appSecret=" + (appSecret == null || appSecret.isEmpty() ? "unset" : "set") + "]";
        }
    }

    public static class Send {
        private int rate = 80;
        private int concurrency = 32;
        private int batchSize = 200;
        private int maxAttempts = 5;
        private Duration pollInterval = Duration.ofMillis(500);
        /** The first wait before a message's next attempt (when the provider named none); it doubles with each attempt. */
        private Duration retryBackoff = Duration.ofSeconds(5);
        /** The longest such wait. */
        private Duration retryBackoffMax = Duration.ofMinutes(5);
        /** While all sending is halted by an account error, one message is let through this often to see whether it still is. */
        private Duration haltProbeEvery = Duration.ofMinutes(1);
        /** Unique recipients per rolling 24 hours (Meta's messaging tier); 0: no limit. */
        private int dailyLimit = 1000;
        /** Hours when messages may leave in the recipient's local time, e.g. {@code 08:00-20:00}; empty: any time. */
        private String window = "";
        /** The recipient's time zone when their number tells none. */
        private java.time.ZoneId defaultTimeZone = java.time.ZoneId.of("America/Sao_Paulo");

        public int getRate() { return rate; }
        public void setRate(int rate) { this.rate = rate; }
        public int getConcurrency() { return concurrency; }
        public void setConcurrency(int concurrency) { this.concurrency = concurrency; }
        public int getBatchSize() { return batchSize; }
        public void setBatchSize(int batchSize) { this.batchSize = batchSize; }
        public int getMaxAttempts() { return maxAttempts; }
        public void setMaxAttempts(int maxAttempts) { this.maxAttempts = maxAttempts; }
        public Duration getPollInterval() { return pollInterval; }
        public void setPollInterval(Duration pollInterval) { this.pollInterval = pollInterval; }
        public Duration getRetryBackoff() { return retryBackoff; }
        public void setRetryBackoff(Duration retryBackoff) { this.retryBackoff = retryBackoff; }
        public Duration getRetryBackoffMax() { return retryBackoffMax; }
        public void setRetryBackoffMax(Duration retryBackoffMax) { this.retryBackoffMax = retryBackoffMax; }
        public Duration getHaltProbeEvery() { return haltProbeEvery; }
        public void setHaltProbeEvery(Duration haltProbeEvery) { this.haltProbeEvery = haltProbeEvery; }
        public int getDailyLimit() { return dailyLimit; }
        public void setDailyLimit(int dailyLimit) { this.dailyLimit = dailyLimit; }
        public String getWindow() { return window; }
        public void setWindow(String window) { this.window = window; }
        public java.time.ZoneId getDefaultTimeZone() { return defaultTimeZone; }
        public void setDefaultTimeZone(java.time.ZoneId defaultTimeZone) { this.defaultTimeZone = defaultTimeZone; }
    }

    public static class OptOut {
        private String query;
        /** Optional SQL on the CRM whose single value changes whenever the opt-out list does: unchanged, the list is not reloaded. */
        private String crmVersionQuery;
        private Duration crmRefresh = Duration.ofSeconds(30);
        private Duration crmPreload = Duration.ofSeconds(20);
        /** Replies (and quick-reply buttons) that put the number on Arauto's opt-out list. */
        private java.util.List<String> keywords = new java.util.ArrayList<>(
                java.util.List.of("#OPTOUT", "STOP", "SAIR", "PARAR", "CANCELAR", "DESCADASTRAR"));
        /** Replies (and quick-reply buttons) that take the number off Arauto's opt-out list again. */
        private java.util.List<String> optInKeywords = new java.util.ArrayList<>(java.util.List.of("VOLTAR", "START"));

        public java.util.List<String> getKeywords() { return keywords; }
        public void setKeywords(java.util.List<String> keywords) { this.keywords = keywords; }
        public java.util.List<String> getOptInKeywords() { return optInKeywords; }
        public void setOptInKeywords(java.util.List<String> optInKeywords) { this.optInKeywords = optInKeywords; }
        public String getQuery() { return query; }
        public void setQuery(String query) { this.query = query; }
        public String getCrmVersionQuery() { return crmVersionQuery; }
        public void setCrmVersionQuery(String crmVersionQuery) { this.crmVersionQuery = crmVersionQuery; }
        public Duration getCrmRefresh() { return crmRefresh; }
        public void setCrmRefresh(Duration crmRefresh) { this.crmRefresh = crmRefresh; }
        public Duration getCrmPreload() { return crmPreload; }
        public void setCrmPreload(Duration crmPreload) { this.crmPreload = crmPreload; }
    }

    public static class Reports {
        private Duration interval = Duration.ofSeconds(2);
        /** How many campaigns' status files are written at once: a big campaign's report does not hold up a small one's. */
        private int writers = 3;

        public Duration getInterval() { return interval; }
        public void setInterval(Duration interval) { this.interval = interval; }
        public int getWriters() { return writers; }
        public void setWriters(int writers) { this.writers = writers; }
    }

    public static class Ledger {
        /** Work untouched this long was abandoned by an Arauto that stopped: well above the provider's read timeout. */
        private Duration staleAfter = Duration.ofMinutes(2);
        /** How often the watchdog looks for abandoned work. */
        private Duration watchdogInterval = Duration.ofSeconds(30);

        public Duration getWatchdogInterval() { return watchdogInterval; }
        public void setWatchdogInterval(Duration watchdogInterval) { this.watchdogInterval = watchdogInterval; }
        public Duration getStaleAfter() { return staleAfter; }
        public void setStaleAfter(Duration staleAfter) { this.staleAfter = staleAfter; }
    }

    /** {@code arauto.leader.*}: the one active sender among the instances on one ledger, elected by a lock in it. */
    public static class Leader {
        /** The active sender's lock is taken over by another instance once it has not been renewed for this long. */
        private Duration lease = Duration.ofSeconds(10);
        /** How often the active sender renews its lock, and how often the others look whether it is free. */
        private Duration heartbeat = Duration.ofSeconds(1);

        public Duration getLease() { return lease; }
        public void setLease(Duration lease) { this.lease = lease; }
        public Duration getHeartbeat() { return heartbeat; }
        public void setHeartbeat(Duration heartbeat) { this.heartbeat = heartbeat; }
    }

    /**
     * {@code arauto.schedules.<name>.*}: at each time of {@code cron} the {@code audience-query} runs on the CRM and becomes
     * a campaign of {@code template} named {@code <name>-<yyyy-MM-dd>}; an occurrence that would start later than
     * {@code grace} after its time is skipped.
     */
    public static class Schedule {
        private String cron;
        private String template;
        private String audienceQuery;
        /** The cron's time zone, and the campaign name's date; unset: the machine's. */
        private java.time.ZoneId timeZone;
        private Duration grace = Duration.ofHours(1);

        public String getCron() { return cron; }
        public void setCron(String cron) { this.cron = cron; }
        public String getTemplate() { return template; }
        public void setTemplate(String template) { this.template = template; }
        public String getAudienceQuery() { return audienceQuery; }
        public void setAudienceQuery(String audienceQuery) { this.audienceQuery = audienceQuery; }
        public java.time.ZoneId getTimeZone() { return timeZone; }
        public void setTimeZone(java.time.ZoneId timeZone) { this.timeZone = timeZone; }
        public Duration getGrace() { return grace; }
        public void setGrace(Duration grace) { this.grace = grace; }

        /** The zone the cron is read in. */
        public java.time.ZoneId zone() { return timeZone != null ? timeZone : java.time.ZoneId.systemDefault(); }
    }

    public static class Crm {
        private final Datasource datasource = new Datasource();
        private final Requests requests = new Requests();

        public Datasource getDatasource() { return datasource; }
        public Requests getRequests() { return requests; }
    }

    /** {@code arauto.crm.requests.*}: the CRM trigger table, one message per row a CRM trigger inserts. */
    public static class Requests {
        /** The table (optionally {@code schema.table}) in the CRM database; unset: no trigger table is read. */
        private String table;
        /** How often the table is read for new rows, and how often statuses are written back to it. */
        private Duration pollDelay = Duration.ofSeconds(1);

        public String getTable() { return table; }
        public void setTable(String table) { this.table = table; }
        public Duration getPollDelay() { return pollDelay; }
        public void setPollDelay(Duration pollDelay) { this.pollDelay = pollDelay; }
    }

    public static class Datasource {
        private String url;
        private String username;
        private String password;

        public String getUrl() { return url; }
        public void setUrl(String url) { this.url = url; }
        public String getUsername() { return username; }
        public void setUsername(String username) { this.username = username; }
        public String getPassword() { return password; }
        public void setPassword(String password) { this.password = password; }

        @Override
        public String toString() { return "Datasource[url=" + url + ", username=" + username + "]"; }
    }
}
