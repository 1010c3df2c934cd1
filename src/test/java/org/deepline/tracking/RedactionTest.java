package org.deepline.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.deepline.config.ConfigLoader;
import org.deepline.config.DeeplineConfig;
import org.junit.jupiter.api.Test;

class RedactionTest {
  @Test
  void theRecordedConfigKeepsEverySectionAsWrittenAndMasksSecretLookingKeys() {
    DeeplineConfig config = ConfigLoader.parse("""
        {"dataset": "credit",
         "source": {"format": "jdbc", "jdbc": {"url": "jdbc:postgresql://localhost:5432/lending",
           "table": "public.credit_applications", "user_env": "LENDING_DB_USER",
           "password_env": "LENDING_DB_PASSWORD",
           "partition_column": "id", "num_partitions": 4, "watermark_column": "updated_at"}},
         "schema": {"columns": [{"name": "id", "type": "long", "nullable": false},
           {"name": "Status", "type": "string", "nullable": false},
           {"name": "Age", "type": "int"}]},
         "features": {"numeric": ["Age"]},
         "label": {"expression": "Status = 'bad'"}}
        """, "inline", List.of());

    JsonNode tree = Redaction.redactedTree(config);

    // A record's boolean helpers (isJdbc, isExpression, isNumeric) once stood in for its
    // components of the same name: "jdbc": true, "expression": true, and an unknown "numeric".
    JsonNode jdbc = tree.path("source").path("jdbc");
    assertEquals("jdbc:postgresql://localhost:5432/lending", jdbc.path("url").asText());
    assertEquals("public.credit_applications", jdbc.path("table").asText());
    assertEquals("updated_at", jdbc.path("watermark_column").asText());
    assertEquals(4, jdbc.path("num_partitions").asInt());
    assertEquals(Redaction.MASK, jdbc.path("password_env").asText());
    assertEquals("Status = 'bad'", tree.path("label").path("expression").asText());
    assertTrue(tree.path("source").path("rest").isNull(), tree.path("source").toString());
    assertFalse(tree.path("schema").path("columns").get(0).has("numeric"));
  }

  @Test
  void secretsInsideUrlsAreMasked() {
    assertEquals("https://etl:***@api.example.com/v1?page=2&api_key=***&limit=5",
        Redaction.inText("https://etl:hunter2@api.example.com/v1?page=2&api_key=k-123&limit=5"));
    assertEquals("jdbc:sqlserver://db:1433;databaseName=loans;password=***;encrypt=true",
        Redaction.inText("jdbc:sqlserver://db:1433;databaseName=loans;password=s3cr3t;encrypt=true"));
    assertEquals("jdbc:postgresql://db/loans?user=etl&sslpassword=***",
        Redaction.inText("jdbc:postgresql://db/loans?user=etl&sslpassword=p"));
    // Text that is no URL, and a URL without secrets, are left as they are.
    assertEquals("delay > 15 AND origin = 'SFO'", Redaction.inText("delay > 15 AND origin = 'SFO'"));
    assertEquals("https://api.example.com/v1/flights?page=1&limit=500",
        Redaction.inText("https://api.example.com/v1/flights?page=1&limit=500"));
  }
}
