package org.deepline.quality;

import java.util.LinkedHashMap;
import java.util.Map;
import org.deepline.etl.ColumnSpec;
import org.deepline.etl.RecordIds;
import org.deepline.etl.SchemaConfig;
import org.deepline.etl.SourceReader;

/** The silver columns validation config may name: the schema's plus the ones ingest adds. */
final class ColumnSpecs {

  private ColumnSpecs() {}

  /** Declared columns by name, plus {@code _record_id} and {@code _source_file} (strings). */
  static Map<String, ColumnSpec> silver(Map<String, ColumnSpec> declared) {
    Map<String, ColumnSpec> all = new LinkedHashMap<>(declared);
    for (String own : new String[] {RecordIds.RECORD_ID, SourceReader.SOURCE_FILE}) {
      all.putIfAbsent(own, new ColumnSpec(own, "string", false, null, null, null, null));
    }
    return all;
  }

  static Map<String, ColumnSpec> silver(SchemaConfig schema) {
    return silver(schema.byName());
  }
}
