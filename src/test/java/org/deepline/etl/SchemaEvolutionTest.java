package org.deepline.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.config.DeeplineConfig;
import org.deepline.core.ConfigErrors;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeltaTables;
import org.deepline.core.RunContext;
import org.deepline.core.StageResult;
import org.deepline.core.Warehouse;
import org.deepline.core.Warehouse.Table;
import org.deepline.testing.RowAssertions;
import org.deepline.testing.SparkTestSession;
import org.deepline.testing.TestRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaEvolutionTest {
  private static final String FIRST_DATE = "2026-11-23";
  private static final String SECOND_DATE = "2026-11-24";

  /** A toy data set: key {@code id}, a nullable {@code amount} and a required {@code label}. */
  private static String config(Path csv) {
    return """
        {"dataset": "toy",
         "source": {"path": "%s"},
         "schema": {"key": ["id"], "columns": [
           {"name": "id", "type": "int", "nullable": false},
           {"name": "amount", "type": "double"},
           {"name": "label", "type": "string", "nullable": false}]},
         "label": {"column": "label", "positive": "yes"},
         "features": {"numeric": ["amount"]}}
        """.formatted(csv.toString().replace("\\", "\\\\"));
  }

  private static RunContext onDate(DeeplineConfig config, Path warehouse, String runDate) {
    return new RunContext(RunContext.newRunId(), null, "ingest", runDate, config,
        Warehouse.at(warehouse.toString()), SparkTestSession.get());
  }

  /** An ingest of {@code csv} under the default policy, into a warehouse in {@code dir}. */
  private static RunContext byDefault(Path csv, Path dir) {
    return TestRuns.context(TestRuns.configFromJson(config(csv)), dir.resolve("wh"), "ingest");
  }

  private static DeeplineException ingestFails(RunContext context) {
    return assertThrows(DeeplineException.class, () -> new IngestJob().run(context));
  }

  @Test
  void byDefaultAnUndeclaredSourceColumnFailsBeforeAnythingIsWritten(@TempDir Path dir) {
    Path csv = TestRuns.writeFile(dir, "toy.csv", "id,amount,label,extra,more\n1,1.5,yes,x,y\n");
    RunContext context = byDefault(csv, dir);

    DeeplineException error = ingestFails(context);

    assertEquals("source " + csv + ": column(s) [extra, more] of the CSV header not declared in "
        + "schema.columns; declare them, or set source.schema_evolution to add_columns (load them "
        + "into silver too) or bronze_only (keep them in bronze only)", error.getMessage());
    assertFalse(DeltaTables.exists(SparkTestSession.get(), context.table(Table.BRONZE)));
  }

  @Test
  void byDefaultADeclaredColumnMissingFromTheSourceFailsNamingIt(@TempDir Path dir) {
    Path csv = TestRuns.writeFile(dir, "toy.csv", "id,label\n1,yes\n");
    RunContext context = TestRuns.context(TestRuns.configFromJson(config(csv)), dir.resolve("wh"),
        "ingest");

    DeeplineException error = assertThrows(DeeplineException.class,
        () -> new IngestJob().run(context));

    assertEquals("source " + csv + ": declared column(s) [amount] missing from the CSV header "
        + "[id, label]; declared nullable, so source.schema_evolution add_columns would load it "
        + "as null", error.getMessage());
    assertFalse(DeltaTables.exists(SparkTestSession.get(), context.table(Table.BRONZE)));
  }

  /** JSON writers leave out null values' keys: the error says which policy loads them as null. */
  @Test
  void aJsonFileWithoutANullableKeyNamesThePolicyThatLoadsItAsNull(@TempDir Path dir) {
    Path json = TestRuns.writeFile(dir, "toy.json", "{\"id\": 1, \"label\": \"yes\"}\n");
    RunContext context = TestRuns.context(TestRuns.configFromJson(config(json),
        "source.format=json"), dir.resolve("wh"), "ingest");

    DeeplineException error = assertThrows(DeeplineException.class,
        () -> new IngestJob().run(context));

    assertTrue(error.getMessage().startsWith("source " + json + ": declared column(s) [amount] "
        + "missing from the source columns [id, label]; declared nullable, so "
        + "source.schema_evolution add_columns would load it as null (a JSON writer leaves out a "
        + "key whose value is null: in a file where no record has a value the key is gone)"),
        error.getMessage());
  }

  @Test
  void aTypedSourceColumnThatChangedTypeLoadsWhenEveryValueConvertsExactly(@TempDir Path dir) {
    SparkSession spark = SparkTestSession.get();
    Path parquet = dir.resolve("toy.parquet");
    StructType longs = new StructType().add("id", DataTypes.IntegerType)
        .add("amount", DataTypes.LongType).add("label", DataTypes.StringType);
    StructType doubles = new StructType().add("id", DataTypes.IntegerType)
        .add("amount", DataTypes.DoubleType).add("label", DataTypes.StringType);
    spark.createDataFrame(List.of(RowFactory.create(1, 10L, "yes"), RowFactory.create(2, 20L, "no")),
        longs).write().parquet(parquet.toString());
    DeeplineConfig config = TestRuns.configFromJson(config(parquet)
        .replace("\"source\": {", "\"source\": {\"format\": \"parquet\", ")
        .replace("\"type\": \"double\"", "\"type\": \"long\""));
    Path warehouse = dir.resolve("wh");
    new IngestJob().run(onDate(config, warehouse, FIRST_DATE));
    String firstId = DeltaTables.read(spark, onDate(config, warehouse, FIRST_DATE)
        .table(Table.BRONZE)).where("id = 1").select(RecordIds.RECORD_ID)
        .as(org.apache.spark.sql.Encoders.STRING()).first();

    // As pandas writes an int column once it holds a missing value: floats, NaN for the missing.
    spark.createDataFrame(List.of(RowFactory.create(1, 10.0, "yes"),
        RowFactory.create(3, Double.NaN, "no")), doubles)
        .write().mode("overwrite").parquet(parquet.toString());
    StageResult second = new IngestJob().run(onDate(config, warehouse, SECOND_DATE));

    assertEquals(2, second.metric("rows_silver"));
    RowAssertions.assertRows(List.of(RowFactory.create(1, 10L), RowFactory.create(3, null)),
        DeltaTables.slice(spark, DeltaTables.ref(spark, onDate(config, warehouse, SECOND_DATE)
            .table(Table.SILVER)), SECOND_DATE).select("id", "amount"), 0.0, "id");
    assertEquals(firstId, DeltaTables.read(spark, onDate(config, warehouse, SECOND_DATE)
        .table(Table.BRONZE)).where("id = 1 AND run_date = '" + SECOND_DATE + "'")
        .select(RecordIds.RECORD_ID).as(org.apache.spark.sql.Encoders.STRING()).first(),
        "the same record keeps its id");

    // A value that would change fails the load before anything is written, naming it.
    spark.createDataFrame(List.of(RowFactory.create(4, 10.5, "yes"),
        RowFactory.create(5, 11.0, "no")), doubles)
        .write().mode("overwrite").parquet(parquet.toString());
    DeeplineException lossy = ingestFails(onDate(config, warehouse, "2026-11-25"));
    assertTrue(lossy.getMessage().contains(": column amount is double in this load and bigint in "
        + "bronze (the earlier loads'), and 1 of its values do not convert to bigint exactly "
        + "(e.g. 10.5)"), lossy.getMessage());
    assertEquals(DeeplineException.Failure.DATA_QUALITY, lossy.failure());

    // Text that is not a number, under ANSI mode too: the same message, not Spark's cast error.
    StructType texts = new StructType().add("id", DataTypes.IntegerType)
        .add("amount", DataTypes.StringType).add("label", DataTypes.StringType);
    Dataset<Row> textRows = spark.createDataFrame(List.of(RowFactory.create(6, "7", "yes"),
        RowFactory.create(7, "x7", "no")), texts);
    spark.conf().set("spark.sql.ansi.enabled", "true");
    try {
      DeeplineException text = assertThrows(DeeplineException.class,
          () -> BronzeTypes.alignedTo(longs, textRows, "texts.parquet"));
      assertEquals("source texts.parquet: column amount is string in this load and bigint in "
          + "bronze (the earlier loads'), and 1 of its values do not convert to bigint exactly "
          + "(e.g. x7). Bronze keeps one type per column: write the column as the earlier loads "
          + "did, or load the data set under a new name (a new bronze)", text.getMessage());
    } finally {
      spark.conf().unset("spark.sql.ansi.enabled");
    }
  }

  @Test
  void addColumnsLoadsAColumnTheSourceGainedIntoSilverAndRecordsIt(@TempDir Path dir) {
    Path csv = TestRuns.writeFile(dir, "toy.csv", "id,amount,label\n1,1.5,yes\n");
    DeeplineConfig config = TestRuns.configFromJson(config(csv),
        "source.schema_evolution=add_columns");
    Path warehouse = dir.resolve("wh");
    StageResult first = new IngestJob().run(onDate(config, warehouse, FIRST_DATE));
    TestRuns.writeFile(dir, "toy.csv", "id,amount,label,gate\n2,2.5,no,B7\n");

    StageResult second = new IngestJob().run(onDate(config, warehouse, SECOND_DATE));

    assertEquals(0, first.metric("columns_added"));
    assertEquals(1, second.metric("columns_added"));
    assertEquals("[\"gate\"]", second.artifacts().get("columns_added"));
    SparkSession spark = SparkTestSession.get();
    RunContext context = onDate(config, warehouse, SECOND_DATE);
    RowAssertions.assertRows(List.of(
            RowFactory.create(1, 1.5, "yes", null),
            RowFactory.create(2, 2.5, "no", "B7")),
        DeltaTables.read(spark, context.table(Table.SILVER)).select("id", "amount", "label", "gate"),
        0.0, "id");
    assertEquals(List.of("B7"), DeltaTables.read(spark, context.table(Table.BRONZE))
        .select("gate").where("gate is not null").as(org.apache.spark.sql.Encoders.STRING())
        .collectAsList());
  }

  @Test
  void addColumnsExtendsAnUpsertedSilverThroughTheMerge(@TempDir Path dir) {
    Path csv = TestRuns.writeFile(dir, "toy.csv", "id,amount,label\n1,1.5,yes\n2,2.5,no\n");
    DeeplineConfig config = TestRuns.configFromJson(config(csv),
        "source.schema_evolution=add_columns", "ingest.upsert=true");
    Path warehouse = dir.resolve("wh");
    new IngestJob().run(onDate(config, warehouse, FIRST_DATE));
    TestRuns.writeFile(dir, "toy.csv", "id,amount,label,gate\n2,2.5,no,B7\n3,3.5,yes,C1\n");

    StageResult second = new IngestJob().run(onDate(config, warehouse, SECOND_DATE));

    assertEquals("[\"gate\"]", second.artifacts().get("columns_added"));
    assertEquals(1, second.metric("rows_silver_inserted"));
    RowAssertions.assertRows(List.of(
            RowFactory.create(1, 1.5, null, FIRST_DATE),
            RowFactory.create(2, 2.5, null, FIRST_DATE),
            RowFactory.create(3, 3.5, "C1", SECOND_DATE)),
        DeltaTables.read(SparkTestSession.get(),
                onDate(config, warehouse, SECOND_DATE).table(Table.SILVER))
            .selectExpr("id", "amount", "gate", "cast(run_date as string)"),
        0.0, "id");
  }

  @Test
  void addColumnsLoadsAMissingNullableColumnAsNullAndReportsIt(@TempDir Path dir) {
    Path csv = TestRuns.writeFile(dir, "toy.csv", "id,label\n1,yes\n2,no\n");
    RunContext context = TestRuns.context(TestRuns.configFromJson(config(csv),
        "source.schema_evolution=add_columns"), dir.resolve("wh"), "ingest");

    StageResult result = new IngestJob().run(context);

    assertEquals(1, result.metric("columns_filled_null"));
    assertEquals("[\"amount\"]", result.artifacts().get("columns_filled_null"));
    assertEquals(2, result.metric("rows_silver"));
    RowAssertions.assertRows(List.of(
            RowFactory.create(1, null, "yes"),
            RowFactory.create(2, null, "no")),
        DeltaTables.read(SparkTestSession.get(), context.table(Table.SILVER))
            .select("id", "amount", "label"),
        0.0, "id");
  }

  @Test
  void addColumnsStillFailsOnAMissingRequiredColumn(@TempDir Path dir) {
    Path csv = TestRuns.writeFile(dir, "toy.csv", "id,amount\n1,1.5\n");
    RunContext context = TestRuns.context(TestRuns.configFromJson(config(csv),
        "source.schema_evolution=add_columns"), dir.resolve("wh"), "ingest");

    DeeplineException error = assertThrows(DeeplineException.class,
        () -> new IngestJob().run(context));

    assertEquals("source " + csv + ": declared column(s) [label] missing from the CSV header "
        + "[id, amount] (not nullable, so source.schema_evolution add_columns cannot load it as "
        + "null)", error.getMessage());
    assertFalse(DeltaTables.exists(SparkTestSession.get(), context.table(Table.BRONZE)));
  }

  @Test
  void bronzeOnlyKeepsUndeclaredColumnsOutOfSilver(@TempDir Path dir) {
    Path csv = TestRuns.writeFile(dir, "toy.csv", "id,amount,label,extra\n1,1.5,yes,x\n");
    RunContext context = TestRuns.context(TestRuns.configFromJson(config(csv),
        "source.schema_evolution=bronze_only"), dir.resolve("wh"), "ingest");

    StageResult result = new IngestJob().run(context);

    assertEquals("[\"extra\"]", result.artifacts().get("columns_bronze_only"));
    assertEquals(0, result.metric("columns_added"));
    SparkSession spark = SparkTestSession.get();
    assertEquals(List.of("x"), DeltaTables.read(spark, context.table(Table.BRONZE)).select("extra")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    assertFalse(List.of(DeltaTables.read(spark, context.table(Table.SILVER)).columns())
        .contains("extra"));
  }

  @Test
  void aHeaderFieldLeftEmptyByATrailingDelimiterStaysInBronzeUnderTheDefaultPolicy(
      @TempDir Path dir) {
    // Many exports end every line in the delimiter: the header's last field has no name.
    Path csv = TestRuns.writeFile(dir, "toy.csv", "id,amount,label,\n1,1.5,yes,\n2,,no,\n");
    RunContext context = TestRuns.context(TestRuns.configFromJson(config(csv)), dir.resolve("wh"),
        "ingest");

    StageResult result = new IngestJob().run(context);

    assertEquals(2, result.metric("rows_silver"));
    assertEquals(0, result.metric("rows_quarantined"));
    SparkSession spark = SparkTestSession.get();
    assertEquals(List.of("id", "amount", "label"), List.of(DeltaTables.read(spark,
        context.table(Table.SILVER)).columns()).subList(0, 3));
    assertFalse(List.of(DeltaTables.read(spark, context.table(Table.SILVER)).columns())
        .contains("_c3"));
    assertEquals(2, DeltaTables.read(spark, context.table(Table.BRONZE)).where("_c3 IS NULL")
        .count());
    // Only a field named as Spark names an empty one at its own position counts as unnamed, and
    // only in a CSV file with a header.
    SourceConfig fromCsv = TestRuns.configFromJson(config(csv)).source();
    assertEquals(List.of("_c3"), SchemaEvolution.unnamedInHeader(fromCsv,
        List.of("id", "_c0", "label", "_c3")));
    SourceConfig headerless = TestRuns.configFromJson(config(csv), "source.options={\"header\": "
        + "\"false\"}").source();
    assertEquals(List.of(), SchemaEvolution.unnamedInHeader(headerless,
        List.of("_c0", "_c1", "_c2", "_c3")));
  }

  @Test
  void dataLinesEndingInADelimiterTheHeaderLacksLoadWithTheFieldInBronze(@TempDir Path dir) {
    // Read under the header alone, each line is one field too long: every row was quarantined.
    Path csv = TestRuns.writeFile(dir, "toy.csv", "id,amount,label\n1,1.5,yes,\n2,,no,\n"
        + "3,\"2.5\",no,\n");
    RunContext context = byDefault(csv, dir);

    StageResult result = new IngestJob().run(context);

    assertEquals(3, result.metric("rows_silver"));
    assertEquals(0, result.metric("rows_quarantined"));
    SparkSession spark = SparkTestSession.get();
    RowAssertions.assertRows(List.of(RowFactory.create(1, 1.5, "yes"),
            RowFactory.create(2, null, "no"), RowFactory.create(3, 2.5, "no")),
        DeltaTables.read(spark, context.table(Table.SILVER)).select("id", "amount", "label"), 0.0,
        "id");
    assertEquals(3, DeltaTables.read(spark, context.table(Table.BRONZE)).where("_c3 IS NULL")
        .count());

    // A directory of such files: the next file's header line is no record one field short.
    Path parts = dir.resolve("parts");
    TestRuns.writeFile(parts, "part-1.csv", "id,amount,label\n1,1.5,yes,\n2,,no,\n");
    TestRuns.writeFile(parts, "part-2.csv", "id,amount,label\n3,2.5,no,\n");
    RunContext directory = TestRuns.context(TestRuns.configFromJson(config(parts)),
        dir.resolve("wh-parts"), "ingest");
    assertEquals(3, new IngestJob().run(directory).metric("rows_silver"));
  }

  @Test
  void aHeaderWithTwoFieldsLeftEmptyKeepsBothInBronze(@TempDir Path dir) {
    // UCI's air quality file ends every line in two delimiters.
    Path csv = TestRuns.writeFile(dir, "toy.csv", "id,amount,label,,\n1,1.5,yes,,\n2,,no,x,\n");
    RunContext context = byDefault(csv, dir);

    StageResult result = new IngestJob().run(context);

    assertEquals(2, result.metric("rows_silver"));
    SparkSession spark = SparkTestSession.get();
    assertEquals(List.of("id", "amount", "label"), List.of(DeltaTables.read(spark,
        context.table(Table.SILVER)).columns()).subList(0, 3));
    RowAssertions.assertRows(List.of(RowFactory.create("1", null, null),
            RowFactory.create("2", "x", null)),
        DeltaTables.read(spark, context.table(Table.BRONZE)).select("id", "_c3", "_c4"), 0.0, "id");
  }

  @Test
  void aPartitionedDirectoryWithATrailingDelimiterKeepsItsColumnsInPlace(@TempDir Path dir) {
    // dt=... folders: Spark puts the partition column after the file's own columns.
    TestRuns.writeFile(dir.resolve("in/dt=2026-11-01"), "part.csv", "id,amount,label,dt2,\n"
        + "1,1.5,yes,a,\n2,2.5,no,b,\n");
    String json = config(dir.resolve("in")).replace("{\"name\": \"label\", \"type\": "
        + "\"string\", \"nullable\": false}", "{\"name\": \"label\", \"type\": \"string\", "
        + "\"nullable\": false}, {\"name\": \"dt2\", \"type\": \"string\"}, "
        + "{\"name\": \"dt\", \"type\": \"string\"}");
    RunContext context = TestRuns.context(TestRuns.configFromJson(json), dir.resolve("wh"),
        "ingest");

    StageResult result = new IngestJob().run(context);

    assertEquals(2, result.metric("rows_silver"), result.toString());
    assertEquals(List.of("2026-11-01"), DeltaTables.read(SparkTestSession.get(),
        context.table(Table.SILVER)).select("dt").distinct()
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
  }

  @Test
  void aJdbcSourcesWatermarkAndPartitionColumnsAreNotUndeclaredButOtherColumnsAre() {
    SourceConfig jdbc = new SourceConfig("jdbc", null, null, null, new JdbcConfig(
        "jdbc:postgresql://localhost/db", "loans", null, "U", "P", "branch", 2, null, null,
        "updated_at", null));
    SchemaConfig schema = new SchemaConfig(List.of("id"), List.of(
        new ColumnSpec("id", "int", false, null, null, null, null),
        new ColumnSpec("label", "string", false, null, null, null, null)));

    SchemaEvolution.Drift named = SchemaEvolution.check(
        List.of("id", "label", "updated_at", "branch", SourceReader.SOURCE_FILE), jdbc, schema,
        "the source columns", "");
    SchemaEvolution.requireDeclared(named, jdbc, "the source columns");
    SchemaEvolution.Drift extra = SchemaEvolution.check(
        List.of("id", "label", "updated_at", "region"), jdbc, schema, "the source columns", "");
    DeeplineException error = assertThrows(DeeplineException.class,
        () -> SchemaEvolution.requireDeclared(extra, jdbc, "the source columns"));

    assertEquals(List.of(), named.undeclared());
    assertEquals("source " + jdbc.describe() + ": column(s) [region] of the source columns not "
        + "declared in schema.columns; declare them, or set source.schema_evolution to add_columns "
        + "(load them into silver too) or bronze_only (keep them in bronze only)",
        error.getMessage());
  }

  @Test
  void anUnknownPolicyIsAConfigError() {
    ConfigErrors errors = new ConfigErrors().at("source");
    new SourceConfig("csv", "in.csv", null, null, null, null, "add").validate(errors);

    assertEquals(List.of("source.schema_evolution: must be one of [fail, add_columns, bronze_only], "
        + "got add"), errors.messages());
  }
}
