package org.deepline.etl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.Columns;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.DeltaTables;
import org.deepline.core.SmallInputPlanning;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a source as it is, in any of the formats of {@link SourceConfig#FORMATS}, into rows with
 * Delta-safe column names ({@link ColumnNames}), the malformed record in {@value #CORRUPT_RECORD} and
 * the file each row came from in {@value #SOURCE_FILE}. Typing happens later ({@link SilverTyping})
 * so that a bad value can be quarantined with its reason instead of silently becoming null.
 *
 * <ul>
 *   <li>csv: every column as a string, the header line gives the names, malformed lines kept whole.</li>
 *   <li>json: one object per line (or one document per file with {@code multi_line}); the types are
 *       inferred from the data, a line that is not JSON is kept whole; nested objects are flattened
 *       to {@code parent_child} columns.</li>
 *   <li>parquet, orc, delta: the file's own types; nested structs are flattened the same way. These
 *       formats have no malformed records: {@value #CORRUPT_RECORD} is always null.</li>
 *   <li>rest: the records of a JSON API's pages ({@link RestSource}), typed like JSON lines, the
 *       page's URL as the file and each record's text as it arrived in
 *       {@value SilverTyping#RAW_RECORD}.</li>
 * </ul>
 */
public final class SourceReader {
  private static final Logger LOG = LoggerFactory.getLogger(SourceReader.class);
  public static final String CORRUPT_RECORD = "_corrupt_record";
  public static final String SOURCE_FILE = "_source_file";
  /** Joins a nested field's name to its parent's when a struct is flattened. */
  static final String NESTED_SEPARATOR = "_";
  /** The column names deepline adds to bronze; a source column may not take one of them. */
  private static final Set<String> RESERVED = Set.of(SOURCE_FILE, RecordIds.RECORD_ID,
      RecordIds.OCCURRENCE, RecordIds.COPIES, IngestJob.INGESTED_AT, DeltaTables.RUN_DATE,
      SilverTyping.RAW_RECORD);
  /** Spark's header check message, up to the file it names (the rest is a task stack trace). */
  private static final Pattern HEADER_MISMATCH = Pattern.compile(
      "CSV header does not conform to the schema\\.[\\s\\S]*?CSV file: \\S+");
  /** How Spark names the file it failed to open while inferring a schema. */
  private static final Pattern FAILED_FILE = Pattern.compile(
      "(?:Encountered error while reading file|Could not read footer for file:?) (\\S+?)\\.?(?:\\s|$)");
  /** A URI in an error message (Spark and the readers name files as URIs). */
  private static final Pattern URI_IN_MESSAGE = Pattern.compile(
      "[a-zA-Z][a-zA-Z0-9+.-]*:/[^\\s,;'\"\\[\\]()]+");
  private static final Pattern GLOB = Pattern.compile("[*?\\[{]");
  /** Spark's reader option for the character that escapes a quote inside a quoted field. */
  private static final String ESCAPE_OPTION = "escape";
  /**
   * A quote inside a quoted field is written twice, as RFC 4180, Excel, pandas and R's
   * {@code write.csv} write it, not after a backslash (Spark's default): with the backslash, 376 of
   * 4,000 product reviews quoting a word were malformed lines. A source's own {@code escape}
   * option still wins.
   */
  private static final String RFC_4180_ESCAPE = "\"";
  /** Spark's CSV reader option for the character that quotes a field, and its default. */
  private static final String QUOTE_OPTION = "quote";
  private static final String RFC_4180_QUOTE = "\"";
  /** Spark's reader option for records that span lines. */
  private static final String MULTI_LINE = "multiLine";
  /** Spark's CSV option for the files' character set, and its other name. */
  private static final String ENCODING_OPTION = "encoding";
  private static final String CHARSET_OPTION = "charset";
  /** Spark's reader option that names a text source's codec. */
  private static final String COMPRESSION_OPTION = "compression";
  /** A text file Hadoop decompresses by its extension: its bytes do not tell its rows. */
  private static final Pattern COMPRESSED_FILE =
      Pattern.compile("\\.(gz|bz2|zst|lz4|snappy|deflate|xz|zip)$", Pattern.CASE_INSENSITIVE);

  private SourceReader() {}

  /**
   * A source as read: its rows (source columns under their Delta-safe names, then
   * {@value #CORRUPT_RECORD} and {@value #SOURCE_FILE}), every source column whose name changed on
   * the way, source name (a nested field as {@code parent.child}) -> column name, and the qualified
   * location its files are under (the path up to any glob character), which tells the source's files
   * apart from others in an error, how its columns differ from the declared schema, and how its
   * text numbers are written ({@link NumberMarks}).
   */
  public record Source(Dataset<Row> rows, Map<String, String> renamed, String location,
      SchemaEvolution.Drift drift, NumberMarks numbers) {
    /** A source not yet checked against the schema. */
    public Source(Dataset<Row> rows, Map<String, String> renamed, String location) {
      this(rows, renamed, location, SchemaEvolution.Drift.NONE, NumberMarks.POINT);
    }

    /** This source with {@code earlier}, renames made before its columns were read, first. */
    Source withRenamed(Map<String, String> earlier) {
      Map<String, String> all = new LinkedHashMap<>(earlier);
      all.putAll(renamed);
      return new Source(rows, all, location, drift, numbers);
    }

    /** This source, its text numbers written as {@code marks} say. */
    Source withNumberMarks(NumberMarks marks) {
      return new Source(rows, renamed, location, drift, marks);
    }
  }

  /**
   * Opens the source and checks it against the schema before any row is read: the path must exist,
   * the files must be readable as the format, and every declared column must be there.
   */
  public static Source read(SparkSession spark, SourceConfig given, SchemaConfig schema) {
    String location = requireExists(spark, given);
    CsvHeader header = SourceConfig.CSV.equals(given.format())
        ? csvHeader(spark, given, schema) : null;
    SourceConfig source = header != null ? header.source() : given;
    Dataset<Row> raw = switch (source.format()) {
      case SourceConfig.CSV -> csv(spark, header);
      case SourceConfig.JSON -> json(spark, source);
      case SourceConfig.PARQUET, SourceConfig.ORC, SourceConfig.AVRO -> typedFiles(spark, source);
      case SourceConfig.DELTA -> delta(spark, source);
      case SourceConfig.JDBC -> throw new IllegalArgumentException(
          "a jdbc source is read by JdbcSource, then shaped by fromDatabase");
      case SourceConfig.REST -> throw new IllegalArgumentException(
          "a rest source is read by RestSource, then shaped by fromRest");
      default -> throw new IllegalArgumentException("unknown source format " + source.format());
    };
    Source renamed = flattenAndRename(raw, location, functions.col("_metadata.file_path"));
    if (header != null && header.namedHere()) {
      renamed = renamed.withRenamed(header.renamed());
    }
    return checkSchema(renamed, source, schema).withNumberMarks(NumberMarks.of(source));
  }

  /**
   * Rows a JDBC source read ({@link JdbcSource}), shaped like a file source's: typed like Parquet, no
   * malformed records, and the table or query (never the credentials) in {@value #SOURCE_FILE}.
   */
  public static Source fromDatabase(Dataset<Row> rows, SourceConfig source, SchemaConfig schema) {
    String described = source.describe();
    Source renamed = flattenAndRename(withNoCorruptRecords(rows), described,
        functions.lit(described));
    return checkSchema(renamed, source, schema);
  }

  /**
   * Records a REST source fetched ({@link RestSource#rows}), shaped like a JSON file's, with the
   * page's URL in {@value #SOURCE_FILE} and each record's text as it arrived kept beside its
   * columns in {@value SilverTyping#RAW_RECORD}.
   */
  public static Source fromRest(Dataset<Row> records, SourceConfig source, SchemaConfig schema) {
    Source renamed = flattenAndRename(records, source.describe(), functions.col(SOURCE_FILE),
        List.of(SOURCE_FILE, SilverTyping.RAW_RECORD));
    return checkSchema(renamed, source, schema);
  }

  /** A source column named like one of deepline's own. */
  static DeeplineException clash(String column) {
    return new DeeplineException("source column " + column + " clashes with deepline's own column "
        + "of that name; rename it in the source");
  }

  /**
   * Turns a failure met while reading the files into a one-line error when it is the input's fault (a
   * file that is not of the format, a CSV file whose header differs from the first file's); anything
   * else is rethrown as it is.
   */
  public static RuntimeException explain(Exception failure, Source source, SourceConfig config) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      String message = cause.getMessage();
      if (message == null) {
        continue;
      }
      Matcher header = HEADER_MISMATCH.matcher(message);
      if (header.find()) {
        return new DeeplineException("source " + config.describe() + ": "
            + header.group().lines().map(String::strip).collect(Collectors.joining(" ")));
      }
      String file = sourceFile(message, source.location());
      if (file != null) {
        return new DeeplineException("source " + config.describe() + ": cannot read file " + file + " as "
            + config.format() + ": " + rootReason(cause), failure);
      }
    }
    return failure instanceof RuntimeException runtime ? runtime
        : new IllegalStateException("reading " + config.describe() + " failed", failure);
  }

  /** The first URI in {@code message} under {@code location}: a file of the source. */
  private static String sourceFile(String message, String location) {
    Matcher uris = URI_IN_MESSAGE.matcher(message);
    while (uris.find()) {
      String uri = uris.group().replaceAll("[.:]+$", "");
      if (uri.startsWith(location)) {
        return uri;
      }
    }
    return null;
  }

  /**
   * The bytes of the text files (CSV, JSON) the source's path matches, or
   * {@link SmallInputPlanning#UNKNOWN_SIZE} for anything whose bytes do not tell its rows: a
   * database, a REST API, a columnar file (flights-3m's 3 M rows are 13 MB of Parquet), a compressed
   * text file, or a path that cannot be listed (the load itself then says why).
   */
  static long sizeInBytes(SparkSession spark, SourceConfig source) {
    boolean text = SourceConfig.CSV.equals(source.format())
        || SourceConfig.JSON.equals(source.format());
    if (!text || source.options().containsKey(COMPRESSION_OPTION)) {
      return SmallInputPlanning.UNKNOWN_SIZE;
    }
    Path path = new Path(source.path());
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      FileStatus[] matches = fs.globStatus(path);
      if (matches == null || matches.length == 0) {
        return SmallInputPlanning.UNKNOWN_SIZE;
      }
      long bytes = 0;
      for (FileStatus match : matches) {
        if (COMPRESSED_FILE.matcher(match.getPath().getName()).find()) {
          return SmallInputPlanning.UNKNOWN_SIZE;
        }
        bytes += fs.getContentSummary(match.getPath()).getLength();
      }
      return bytes;
    } catch (IOException | IllegalArgumentException e) {
      return SmallInputPlanning.UNKNOWN_SIZE;
    }
  }

  /** Fails unless the path matches a file or directory; returns the qualified location. */
  private static String requireExists(SparkSession spark, SourceConfig source) {
    Path path = new Path(source.path());
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      FileStatus[] matches = fs.globStatus(path);
      if (matches == null || matches.length == 0) {
        throw new DeeplineException("source.path: cannot read " + source.path()
            + ": no such file or directory");
      }
      String qualified = fs.makeQualified(path).toString();
      Matcher glob = GLOB.matcher(qualified);
      return glob.find() ? qualified.substring(0, glob.start()) : qualified;
    } catch (IOException | IllegalArgumentException e) {
      throw new DeeplineException("source.path: cannot read " + source.path() + ": " + e.getMessage(),
          e);
    }
  }

  /**
   * A CSV source as its files are read, the names its columns are read under, and the header
   * fields read under another name than written (empty when Spark's own names are kept).
   */
  private record CsvHeader(SourceConfig source, List<String> names, Map<String, String> renamed,
      boolean trailingField) {
    CsvHeader(SourceConfig source, List<String> names, Map<String, String> renamed) {
      this(source, names, renamed, false);
    }

    /** The same header, the files read with {@code read}'s options. */
    CsvHeader with(SourceConfig read) {
      return new CsvHeader(read, names, renamed, trailingField);
    }

    /**
     * The same header with one unnamed field after its last, Spark's {@code _c<n>}: the data
     * lines' empty field after the delimiter they end in and the header line does not.
     */
    CsvHeader withTrailingField() {
      List<String> longer = new ArrayList<>(names);
      longer.add(SchemaEvolution.UNNAMED_CSV_PREFIX + names.size());
      return new CsvHeader(source, List.copyOf(longer), renamed, true);
    }

    /** Whether the files are read under names of deepline's, not compared with their headers. */
    boolean namedHere() {
      return !renamed.isEmpty() || trailingField;
    }
  }

  /**
   * {@code source} with the delimiter its header is written with set as {@code sep}
   * ({@link CsvDelimiters#sniff}), when its options name none and the comma does not split it.
   */
  private static CsvHeader withSniffedDelimiter(SparkSession spark, SourceConfig source,
      SchemaConfig schema) {
    CsvHeader header = csvHeader(spark, source);
    if (source.options().keySet().stream().anyMatch(CsvDelimiters::namesDelimiter)) {
      return header;
    }
    String delimiter = CsvDelimiters.sniff(header.names(), schema.headerNames());
    if (delimiter == null) {
      return header;
    }
    LOG.warn("source {}: the CSV header is one column with the comma; it splits by '{}' into "
        + "the declared columns, so the files are read with that delimiter (set source.options "
        + "sep to say so){}", source.path(), CsvDelimiters.describe(delimiter),
        CsvDelimiters.decimalComma(source.withOption(CsvDelimiters.SEP, delimiter).options())
            ? ", and a comma in a number is its decimal mark (set source.options decimal to \".\" "
                + "if it is not)" : "");
    return csvHeader(spark, source.withOption(CsvDelimiters.SEP, delimiter));
  }

  private static Dataset<Row> csv(SparkSession spark, CsvHeader opened) {
    SourceConfig source = opened.source();
    List<String> header = opened.names();
    List<String> unnamed = SchemaEvolution.unnamedInHeader(source, header);
    // Spark's header check compares the schema with each file's header as written, so a field left
    // empty must be "" in the schema, and two such fields cannot be: then, and when ingest names
    // the columns otherwise than the header does, the files are read under the names given here.
    boolean asWritten = !opened.namedHere() && unnamed.size() <= 1;
    // A field after the header's last alone was said where it was found.
    if (!asWritten && (!opened.renamed().isEmpty() || unnamed.size() > 1)) {
      LOG.warn("source {}: the CSV header {}; the files are read under the names {}, each "
          + "file's header line skipped without comparing it with them", source.path(),
          opened.namedHere() ? "has fields Spark and Delta take as one name (equal but for "
              + "letter case, or equal): read as " + opened.renamed()
              : "has " + unnamed.size() + " fields without a name", header);
    }
    StructType raw = new StructType();
    for (String name : header) {
      raw = raw.add(asWritten && unnamed.contains(name) ? "" : name, DataTypes.StringType, true);
    }
    raw = raw.add(CORRUPT_RECORD, DataTypes.StringType, true);
    Dataset<Row> read = csvReader(spark, source)
        .schema(raw)
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", CORRUPT_RECORD)
        // A file whose header differs from the first file's is an error, not a silent column shift.
        .option("enforceSchema", Boolean.toString(!asWritten))
        .csv(source.path());
    if (!asWritten || unnamed.isEmpty()) {
      return read;
    }
    // Renamed in the read's own order: partition columns of a dt=... layout come after the rest.
    return read.withColumnRenamed("", unnamed.get(0));
  }

  /**
   * The column names of the source's header line, in order, as Spark names them; reads one line.
   * Two fields equal but for letter case, which Spark names by their positions, are named by
   * {@link ColumnNames}' rule instead ({@code W} and {@code w_2}), as a config written from the
   * header is ({@code HeaderNames}).
   */
  private static CsvHeader csvHeader(SparkSession spark, SourceConfig source) {
    String[] names = opened(source, () -> csvReader(spark, source).csv(source.path()).columns());
    List<String> header = new ArrayList<>(Arrays.asList(names));
    Map<String, String> renamed = Map.of();
    if (SchemaEvolution.hasHeaderLine(source) && !DedupedHeader.suspects(header).isEmpty()) {
      List<String> written = writtenHeader(spark, source);
      if (!DedupedHeader.clashes(written).isEmpty()) {
        renamed = new LinkedHashMap<>();
        // A field left empty keeps Spark's name for it (_c3), as in a header without clashes.
        List<String> given = new ArrayList<>();
        for (int i = 0; i < written.size(); i++) {
          given.add(written.get(i).isEmpty() ? header.get(i) : written.get(i));
        }
        header = new ArrayList<>(ColumnNames.deltaSafe(given));
        for (int i = 0; i < given.size(); i++) {
          if (!header.get(i).equals(given.get(i))) {
            renamed.put(given.get(i), header.get(i));
          }
        }
      }
    }
    // Spark's own names can still be one name (a field written "_c1" beside an empty second one).
    if (header.stream().map(name -> name.toLowerCase(Locale.ROOT)).distinct().count()
        != header.size()) {
      throw new DeeplineException("source " + source.path() + ": the CSV header gives two columns "
          + "one name (Spark reads it as " + header + "); rename them in the file");
    }
    return new CsvHeader(source, header, renamed);
  }

  /**
   * The header line's fields as written: Spark would read {@code W} and {@code w} (equal but for
   * letter case, as in chemistry descriptor tables) as {@code W67} and {@code w76}, which no
   * config written from the header declares. Reads the header line as data, one line; called only
   * when Spark's names look renamed that way.
   */
  private static List<String> writtenHeader(SparkSession spark, SourceConfig source) {
    Row line = opened(source, () -> csvReader(spark, source).option("header", "false")
        .csv(source.path()).head());
    List<String> fields = new ArrayList<>();
    for (int i = 0; i < line.length(); i++) {
      fields.add(line.isNullAt(i) ? "" : line.getString(i));
    }
    return fields;
  }

  /**
   * A CSV source's header with its delimiter found ({@link #withSniffedDelimiter}) and its line
   * breaks decided ({@link #withLineBreaks}), and its encoding checked ({@link FileEncoding}): the
   * last two from one sample of the files' first lines, read only when either needs it.
   */
  private static CsvHeader csvHeader(SparkSession spark, SourceConfig given, SchemaConfig schema) {
    CsvHeader opened = withSniffedDelimiter(spark, given, schema);
    SourceConfig source = opened.source();
    boolean checksEncoding = CsvDelimiters.option(source.options(), ENCODING_OPTION) == null
        && CsvDelimiters.option(source.options(), CHARSET_OPTION) == null;
    if (!checksEncoding && !sniffsLineBreaks(source)) {
      return withLineBreaks(opened, List.of());
    }
    List<byte[]> sample = opened(source, () -> spark.read().options(sparkOptions(source))
        .text(source.path()).limit(QuotedLineBreaks.SNIFFED_LINES)
        .select(functions.col("value").cast(DataTypes.BinaryType)).as(Encoders.BINARY())
        .collectAsList());
    if (checksEncoding) {
      FileEncoding.notUtf8(sample, source.path()).ifPresent(LOG::warn);
    }
    List<String> lines = sample.stream().map(bytes -> new String(bytes, StandardCharsets.UTF_8))
        .toList();
    return withLineBreaks(withTrailingDelimiter(opened, lines), lines);
  }

  /**
   * {@code opened}, or, when every record of the {@code firstLines} after the header line ends in
   * the delimiter the header line does not end in ({@link QuotedLineBreaks.Sniffed#trailingDelimiterOnDataLines}),
   * its header with the unnamed field those records have after its last: read under the header
   * alone, every record was malformed and the whole load went to quarantine. The field is kept in
   * bronze only, as a header's own unnamed field is, and a value in it on a later line is not lost
   * to bronze.
   */
  private static CsvHeader withTrailingDelimiter(CsvHeader opened, List<String> firstLines) {
    SourceConfig source = opened.source();
    if (!SchemaEvolution.hasHeaderLine(source) || !sniffsLineBreaks(source)) {
      return opened;
    }
    // A directory's next file starts with its own header line: not a record of one field fewer.
    List<String> records = firstLines.isEmpty() ? firstLines : Stream.concat(
        Stream.of(firstLines.get(0)), firstLines.stream().skip(1)
            .filter(line -> !line.equals(firstLines.get(0)))).toList();
    QuotedLineBreaks.Sniffed sniff = QuotedLineBreaks.sniff(records,
        CsvDelimiters.delimiter(source.options()).charAt(0),
        optionOr(source, QUOTE_OPTION, RFC_4180_QUOTE).charAt(0),
        optionOr(source, ESCAPE_OPTION, RFC_4180_ESCAPE).charAt(0), opened.names().size());
    if (!sniff.trailingDelimiterOnDataLines()) {
      return opened;
    }
    CsvHeader longer = opened.withTrailingField();
    LOG.warn("source {}: every line of the first {} after the header ends in the delimiter, and "
        + "the header line does not: each record has an empty field after the header's last "
        + "column, read as {} (in bronze only) so that the records are not malformed",
        source.path(), sniff.records() - 1, longer.names().get(longer.names().size() - 1));
    return longer;
  }

  /**
   * Whether the source leaves its line breaks to be found: no {@code source.multi_line} or
   * {@value #MULTI_LINE} option, and one-character quote, escape and delimiter to read them by.
   */
  private static boolean sniffsLineBreaks(SourceConfig source) {
    return CsvDelimiters.option(source.options(), MULTI_LINE) == null && source.multiLine() == null
        && optionOr(source, QUOTE_OPTION, RFC_4180_QUOTE).length() == 1
        && optionOr(source, ESCAPE_OPTION, RFC_4180_ESCAPE).length() == 1
        && CsvDelimiters.delimiter(source.options()).length() == 1;
  }

  /**
   * {@code opened} (its header read) with Spark's {@value #MULTI_LINE} option: as
   * {@code source.multi_line} says, or its reader options, or, when neither does, on when the
   * {@code firstLines} of the files hold a record whose quoted field spans lines
   * ({@link QuotedLineBreaks}, which a stray quote does not pass). Without it such a record is read
   * as several malformed lines and quarantined.
   */
  private static CsvHeader withLineBreaks(CsvHeader opened, List<String> firstLines) {
    SourceConfig source = opened.source();
    if (CsvDelimiters.option(source.options(), MULTI_LINE) != null) {
      return opened;
    }
    if (source.multiLine() != null) {
      return source.multiLine() ? opened.with(source.withOption(MULTI_LINE, "true")) : opened;
    }
    if (!sniffsLineBreaks(source)) {
      return opened;
    }
    QuotedLineBreaks.Sniffed sniff = QuotedLineBreaks.sniff(firstLines,
        CsvDelimiters.delimiter(source.options()).charAt(0),
        optionOr(source, QUOTE_OPTION, RFC_4180_QUOTE).charAt(0),
        optionOr(source, ESCAPE_OPTION, RFC_4180_ESCAPE).charAt(0), opened.names().size());
    if (sniff.lineBreaksBesideMalformed()) {
      LOG.warn("source {}: {} record(s) of the first lines have a quoted field that spans lines, "
          + "but the record starting at line {} of them is malformed (a stray quote, or text after "
          + "a closing quote), so the files are read one line per record and every record with a "
          + "line break goes to quarantine in pieces; mend that line, or set source.multi_line to "
          + "true to read records whole (a stray quote then joins the records after it into one "
          + "field)", source.path(), sniff.spanning(), sniff.firstMalformedLine());
    }
    if (!sniff.lineBreaksFound()) {
      return opened;
    }
    LOG.warn("source {}: a quoted field spans lines in the first lines of the files, so each file "
        + "is read as a whole with Spark's multiLine (set source.multi_line to false to read one "
        + "record per line)", source.path());
    return opened.with(source.withOption(MULTI_LINE, "true"));
  }

  /** A reader option of {@code source} whatever the case of its key, or {@code otherwise}. */
  private static String optionOr(SourceConfig source, String key, String otherwise) {
    String value = CsvDelimiters.option(source.options(), key);
    return value != null ? value : otherwise;
  }

  /** The source's options Spark's readers take: deepline's own left out. */
  private static Map<String, String> sparkOptions(SourceConfig source) {
    Map<String, String> sparkOptions = new HashMap<>(source.options());
    sparkOptions.keySet().removeIf(CsvDelimiters::isOwnOption);
    return sparkOptions;
  }

  private static DataFrameReader csvReader(SparkSession spark, SourceConfig source) {
    return spark.read()
        .option("header", "true")
        .option("inferSchema", "false")
        .option(ESCAPE_OPTION, RFC_4180_ESCAPE)
        .options(sparkOptions(source));
  }

  /**
   * JSON is read twice: once to infer the types, once with that schema plus the corrupt-record column,
   * which Spark only adds by itself when the sample it inferred from had a malformed line.
   */
  private static Dataset<Row> json(SparkSession spark, SourceConfig source) {
    StructType inferred = opened(source, () -> jsonReader(spark, source).json(source.path()).schema());
    if (inferred.fields().length == 0) {
      // As a CSV file of a header alone: a data set's fault, whatever its format (exit 5).
      throw new DeeplineException(Failure.DATA_QUALITY, "source " + source.path() + ": no data rows");
    }
    StructType schema = Arrays.asList(inferred.fieldNames()).contains(CORRUPT_RECORD) ? inferred
        : inferred.add(CORRUPT_RECORD, DataTypes.StringType, true);
    return jsonReader(spark, source).schema(schema).json(source.path());
  }

  private static DataFrameReader jsonReader(SparkSession spark, SourceConfig source) {
    return spark.read()
        .options(source.options())
        .option("multiLine", source.multiLine())
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", CORRUPT_RECORD);
  }

  private static Dataset<Row> typedFiles(SparkSession spark, SourceConfig source) {
    Dataset<Row> rows = opened(source,
        () -> spark.read().options(source.options()).format(source.format()).load(source.path()));
    return withNoCorruptRecords(rows);
  }

  private static Dataset<Row> delta(SparkSession spark, SourceConfig source) {
    if (!DeltaTables.exists(spark, source.path())) {
      throw new DeeplineException("source.path: " + source.path()
          + " is not a Delta table (no _delta_log); use format parquet for plain Parquet files");
    }
    Dataset<Row> rows = opened(source,
        () -> spark.read().options(source.options()).format(SourceConfig.DELTA).load(source.path()));
    return withNoCorruptRecords(rows);
  }

  private static Dataset<Row> withNoCorruptRecords(Dataset<Row> rows) {
    if (Arrays.asList(rows.columns()).contains(CORRUPT_RECORD)) {
      throw clash(CORRUPT_RECORD);
    }
    return rows.withColumn(CORRUPT_RECORD, functions.lit(null).cast(DataTypes.StringType));
  }

  /**
   * Runs what opens the source (schema inference reads file footers or samples records), turning a
   * failure there into an error that names the path and, when Spark says it, the file.
   */
  private static <T> T opened(SourceConfig source, Supplier<T> open) {
    try {
      return open.get();
    } catch (DeeplineException e) {
      throw e;
    } catch (Exception e) {
      // Spark's Scala API throws the checked AnalysisException (e.g. path does not exist) undeclared.
      String reason = e instanceof AnalysisException analysis ? analysis.getSimpleMessage()
          : rootReason(e);
      Matcher file = e.getMessage() == null ? null : FAILED_FILE.matcher(e.getMessage());
      String where = file != null && file.find() ? " (file " + file.group(1) + ")" : "";
      throw new DeeplineException("source.path: cannot read " + source.path() + " as "
          + source.format() + where + ": " + reason, e);
    }
  }

  /** The first line of the innermost message: the actual reason, without Spark's task preamble. */
  private static String rootReason(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return message.lines().map(String::strip).filter(line -> !line.isEmpty()).findFirst()
        .orElse(message);
  }

  /**
   * Flattens nested structs into {@code parent_child} columns and gives every column its Delta-safe
   * name; the corrupt-record column stays as it is and the source file is added.
   */
  private static Source flattenAndRename(Dataset<Row> raw, String location, Column sourceFile) {
    return flattenAndRename(raw, location, sourceFile, List.of());
  }

  /**
   * As above; {@code carried} are deepline's own columns of {@code raw}, kept as they are after the
   * source file (which may be one of them) instead of being read as source columns.
   */
  private static Source flattenAndRename(Dataset<Row> raw, String location, Column sourceFile,
      List<String> carried) {
    List<Leaf> leaves = new ArrayList<>();
    for (StructField field : raw.schema().fields()) {
      if (!field.name().equals(CORRUPT_RECORD) && !carried.contains(field.name())) {
        collectLeaves(List.of(field.name()), Columns.col(field.name()), field, leaves);
      }
    }
    List<String> flat = leaves.stream().map(l -> String.join(NESTED_SEPARATOR, l.path())).toList();
    List<String> safe = ColumnNames.deltaSafe(flat);
    Map<String, String> renamed = new LinkedHashMap<>();
    List<Column> selected = new ArrayList<>();
    for (int i = 0; i < leaves.size(); i++) {
      String name = safe.get(i);
      if (RESERVED.contains(name)) {
        throw clash(name);
      }
      if (!name.equals(flat.get(i))) {
        renamed.put(String.join(".", leaves.get(i).path()), name);
      }
      selected.add(leaves.get(i).value().as(name));
    }
    selected.add(functions.col(CORRUPT_RECORD));
    selected.add(sourceFile.as(SOURCE_FILE));
    carried.stream().filter(c -> !c.equals(SOURCE_FILE)).forEach(c -> selected.add(functions.col(c)));
    return new Source(raw.select(selected.toArray(Column[]::new)), renamed, location);
  }

  private record Leaf(List<String> path, Column value) {}

  private static void collectLeaves(List<String> path, Column value, StructField field,
      List<Leaf> out) {
    if (field.dataType() instanceof StructType struct) {
      for (StructField child : struct.fields()) {
        List<String> childPath = new ArrayList<>(path);
        childPath.add(child.name());
        collectLeaves(childPath, value.getField(child.name()), child, out);
      }
    } else {
      out.add(new Leaf(path, value));
    }
  }

  /**
   * Applies the source's schema evolution policy ({@link SchemaEvolution}) to its columns: fails, or
   * returns the source with what differs from the declared schema.
   */
  private static Source checkSchema(Source source, SourceConfig config, SchemaConfig schema) {
    List<String> present = Arrays.asList(source.rows().columns());
    String where = SourceConfig.CSV.equals(config.format()) ? "the CSV header" : "the source columns";
    String hint = source.renamed().isEmpty() ? "" : " (renamed for Delta: " + source.renamed() + ")";
    boolean noField = present.stream().allMatch(c -> c.equals(CORRUPT_RECORD)
        || c.equals(SOURCE_FILE) || c.equals(SilverTyping.RAW_RECORD));
    if (noField && SourceConfig.JSON.equals(config.format()) && !config.multiLine()) {
      // Spark found no field in any line: a pretty-printed document read line by line.
      hint += "; no line is a JSON object: if each file is one (multi-line) JSON document, set "
          + "source.multi_line: true";
    }
    SchemaEvolution.Drift drift = SchemaEvolution.check(present, config, schema, where, hint);
    if (drift.missing().isEmpty()) {
      requireSourceNames(source, config, schema);
    }
    SchemaEvolution.requireDeclared(drift, config, where);
    return new Source(source.rows(), source.renamed(), source.location(), drift,
        source.numbers());
  }

  /**
   * A column the config declared by its header name ({@link ColumnSpec#sourceName}) must be that
   * source column: the config's renaming saw only the declared names, ingest's sees every source
   * column, and the two differ when an undeclared column took the name first.
   */
  private static void requireSourceNames(Source source, SourceConfig config, SchemaConfig schema) {
    for (ColumnSpec column : schema.columns()) {
      if (column.sourceName() == null) {
        continue;
      }
      String given = source.renamed().get(column.sourceName());
      if (given == null) {
        // The source has a column named like the rename (checkSchema found it), but
        // none under the header name: which one the config meant cannot be known.
        throw new DeeplineException("source " + config.describe() + ": the config's column "
            + column.sourceName() + " is not in the source, which has a column " + column.name()
            + " of its own; declare it as " + column.name() + " if that is the one meant");
      }
      if (!column.name().equals(given)) {
        throw new DeeplineException("source " + config.describe() + ": the config's column "
            + column.sourceName() + " (" + column.name() + " in silver) is named " + given
            + " by ingest, because another source column took " + column.name()
            + "; declare it as " + given + " (renamed for Delta: " + source.renamed() + ")");
      }
    }
  }
}
