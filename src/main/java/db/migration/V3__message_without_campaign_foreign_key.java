package db.migration;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Drops the foreign key from {@code message.campaign_id} to {@code campaign}. Every insert of
 * rows already updates their campaign (still READING) in the same transaction, and a message's id
 * names its campaign ({@code campaign_id·2³² + row_num}); the key only added a second B-tree and a
 * lookup per row, ~5% of a million-row intake on H2 (measured with bench/run.sh). A Java migration
 * because the key's name is the database's own (CONSTRAINT_6 on H2, message_campaign_id_fkey on PostgreSQL).
 */
public class V3__message_without_campaign_foreign_key extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        Connection connection = context.getConnection();
        DatabaseMetaData meta = connection.getMetaData();
        String table = meta.storesUpperCaseIdentifiers() ? "MESSAGE" : "message";
        List<String> keys = new ArrayList<>();
        try (ResultSet imported = meta.getImportedKeys(connection.getCatalog(), connection.getSchema(), table)) {
            while (imported.next()) {
                if ("campaign".equalsIgnoreCase(imported.getString("PKTABLE_NAME"))) {
                    keys.add(imported.getString("FK_NAME"));
                }
            }
        }
        String quote = meta.getIdentifierQuoteString();
        try (Statement statement = connection.createStatement()) {
            for (String key : keys) {
                statement.execute("alter table message drop constraint " + quote + key.replace(quote, quote + quote) + quote);
            }
        }
    }
}
