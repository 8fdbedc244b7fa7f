//! `prolinksqr bulk import`: a CSV file sent in chunks of at most 1,200 records, with a
//! result file that says what became of every row and lets a later run resume.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use futures::FutureExt;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use prolinksqr::Client;

use crate::Error;
use crate::records::{self, LinkKind, Row};

/// The most records `POST /bulk-generate` takes in one call.
pub const CHUNK_SIZE: usize = 1200;

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
    /// The server refused the row's chunk, or it could not be sent.
    Failed,
    /// The row's chunk was sent but no answer came: the links may or may not exist.
    Unknown,
    /// The row was not sent (an earlier chunk stopped the import).
    NotSent,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Created => "created",
            Status::Failed => "failed",
            Status::Unknown => "unknown",
            Status::NotSent => "not-sent",
        }
    }

    fn parse(value: &str) -> Option<Status> {
        [
            Status::Created,
            Status::Failed,
            Status::Unknown,
            Status::NotSent,
        ]
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
    chunk: Option<usize>,
    id: String,
    url: String,
}

const RESULT_HEADER: [&str; 6] = ["line", "name", "status", "chunk", "id", "url"];

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

/// Runs an import: reads and checks every row (nothing is sent if any is bad), resolves
/// the folder, sends the rows that still need sending in chunks of [`CHUNK_SIZE`], and
/// keeps the result file up to date after every chunk.
///
/// Human-readable progress and the final report go to `log`. A chunk that fails stops
/// the import with [`Error::Import`], once the result file is written.
pub async fn run(
    client: &Client,
    options: &ImportOptions,
    log: &mut (dyn Write + Send),
) -> Result<ImportSummary, Error> {
    let file = std::fs::File::open(&options.input)
        .map_err(|e| Error::Input(format!("cannot open {}: {e}", options.input.display())))?;
    let rows =
        records::read_rows(std::io::BufReader::new(file), options.kind).map_err(|errors| {
            let mut message = format!(
                "{} has {} bad {}; nothing was sent:",
                options.input.display(),
                errors.len(),
                if errors.len() == 1 { "row" } else { "rows" }
            );
            for error in &errors {
                let _ = write!(message, "\n  {error}");
            }
            Error::Input(message)
        })?;

    let mut outcomes: Vec<Outcome> = rows
        .iter()
        .map(|row| Outcome {
            line: row.line,
            name: row.name.clone(),
            status: Status::NotSent,
            chunk: None,
            id: String::new(),
            url: String::new(),
        })
        .collect();
    if let Some(resume) = &options.resume {
        apply_resume(&mut outcomes, resume, options.unknown)?;
    }
    let result_path = options
        .result
        .clone()
        .or_else(|| options.resume.clone())
        .unwrap_or_else(|| default_result_path(&options.input));

    let folder_id = match &options.folder {
        Some(folder) => Some(resolve_folder(client, folder).await?),
        None => None,
    };

    let pending: Vec<usize> = (0..rows.len())
        .filter(|&i| outcomes[i].status != Status::Created)
        .collect();
    let skipped = rows.len() - pending.len();
    if skipped > 0 {
        writeln!(
            log,
            "skipping {skipped} rows already created ({})",
            lines_phrase(
                outcomes
                    .iter()
                    .filter(|o| o.status == Status::Created)
                    .map(|o| o.line)
            )
        )?;
    }
    // Chunk numbers go on from the resumed file's, so that every chunk ever sent for this
    // input has its own number.
    let first_chunk = outcomes.iter().filter_map(|o| o.chunk).max().unwrap_or(0) + 1;
    let chunks: Vec<&[usize]> = pending.chunks(CHUNK_SIZE).collect();
    write_result(&result_path, &outcomes)?;

    let progress = progress_bar(options.progress, pending.len() as u64);
    // One listener for the whole import, so that a Ctrl-C between two chunks is not lost.
    let interrupt = tokio::signal::ctrl_c();
    tokio::pin!(interrupt);
    let mut created = 0;
    for (index, chunk) in chunks.iter().enumerate() {
        let number = first_chunk + index;
        if (&mut interrupt).now_or_never().is_some() {
            progress.finish_and_clear();
            return Err(Error::Interrupted(format!(
                "interrupted before chunk {number}\n{}",
                report(&outcomes, &result_path, options)
            )));
        }
        // Marked unknown before sending: if the process dies while waiting, the file
        // says exactly that.
        for &i in chunk.iter() {
            outcomes[i].status = Status::Unknown;
            outcomes[i].chunk = Some(number);
        }
        write_result(&result_path, &outcomes)?;
        let chunk_rows: Vec<&Row> = chunk.iter().map(|&i| &rows[i]).collect();
        let body = records::request(options.kind, &chunk_rows, folder_id.as_deref());
        progress.set_message(format!("chunk {number}"));
        // Never retried: a lost answer may mean the links exist. The policy's deadline is
        // also a cap on each attempt, so it follows the chunk timeout (the default is 60 s).
        let send = client
            .bulk()
            .generate(body)
            .timeout(options.chunk_timeout)
            .retry(prolinksqr::RetryPolicy::none().deadline(options.chunk_timeout))
            .send_response();
        let answer = tokio::select! {
            answer = send => Some(answer),
            _ = &mut interrupt => None,
        };
        let interrupted = answer.is_none();
        let failure = match answer {
            Some(Ok(response)) => {
                record_created(&mut outcomes, chunk, response.into_inner().data);
                created += chunk.len();
                progress.inc(chunk.len() as u64);
                None
            }
            Some(Err(error)) => match classify(&error) {
                Sent::Done => {
                    // The server did the work; only its answer was not what we could read.
                    record_created(&mut outcomes, chunk, None);
                    created += chunk.len();
                    progress.inc(chunk.len() as u64);
                    None
                }
                Sent::No => Some((Status::Failed, error.to_string())),
                Sent::Maybe => Some((Status::Unknown, error.to_string())),
            },
            None => Some((Status::Unknown, "interrupted (Ctrl-C)".to_owned())),
        };
        if let Some((status, reason)) = failure {
            progress.finish_and_clear();
            for &i in chunk.iter() {
                outcomes[i].status = status;
            }
            write_result(&result_path, &outcomes)?;
            let what = match status {
                Status::Unknown => "was sent, but its outcome is unknown",
                _ => "failed",
            };
            let message = format!(
                "chunk {number} ({}) {what}: {reason}\n{}",
                lines_phrase(chunk_rows.iter().map(|r| r.line)),
                report(&outcomes, &result_path, options)
            );
            return Err(if interrupted {
                Error::Interrupted(message)
            } else {
                Error::Import(message)
            });
        }
        write_result(&result_path, &outcomes)?;
    }
    progress.finish_and_clear();
    writeln!(
        log,
        "created {created} {} links in {} {}; result in {}",
        options.kind,
        chunks.len(),
        if chunks.len() == 1 {
            "request"
        } else {
            "requests"
        },
        result_path.display()
    )?;
    Ok(ImportSummary {
        created,
        skipped,
        requests: chunks.len(),
        result: result_path,
    })
}

/// Whether a failed call's records reached the server.
enum Sent {
    /// A 2xx came back: the chunk was done, whatever its body.
    Done,
    /// Refused, or never left this machine.
    No,
    /// Sent, and nothing is known of what the server did.
    Maybe,
}

fn classify(error: &prolinksqr::Error) -> Sent {
    if error.status().is_some_and(|status| status.is_success()) {
        return Sent::Done;
    }
    match error {
        prolinksqr::Error::Api(_)
        | prolinksqr::Error::InvalidInput(_)
        | prolinksqr::Error::Config(_) => Sent::No,
        prolinksqr::Error::Transport { .. } if error.is_connect() => Sent::No,
        _ => Sent::Maybe,
    }
}

fn record_created(
    outcomes: &mut [Outcome],
    chunk: &[usize],
    links: Option<Vec<prolinksqr::types::LinkResult>>,
) {
    // Ids are only taken when the server lists exactly one link per record: the API does
    // not document this answer, so a list of another length cannot be matched to rows.
    let links = links.filter(|links| links.len() == chunk.len());
    for (position, &i) in chunk.iter().enumerate() {
        let outcome = &mut outcomes[i];
        outcome.status = Status::Created;
        if let Some(link) = links.as_ref().map(|links| &links[position]) {
            outcome.id = link
                .dynamic_link_id
                .clone()
                .or_else(|| link.id.clone())
                .unwrap_or_default();
            outcome.url = link.full_dynamic_url.clone().unwrap_or_default();
        }
    }
}

/// Which lines are in which state, and how to go on.
fn report(outcomes: &[Outcome], result: &Path, options: &ImportOptions) -> String {
    let lines = |status: Status| {
        lines_phrase(
            outcomes
                .iter()
                .filter(|o| o.status == status)
                .map(|o| o.line),
        )
    };
    let mut text = String::new();
    for (status, label) in [
        (Status::Created, "created (sent, server answered 2xx)"),
        (Status::Failed, "failed (refused or not sent: not created)"),
        (
            Status::Unknown,
            "unknown (sent, no answer: check before resending)",
        ),
        (Status::NotSent, "not sent"),
    ] {
        if outcomes.iter().any(|o| o.status == status) {
            let _ = writeln!(text, "  {label}: {}", lines(status));
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
    if outcomes.iter().any(|o| o.status == Status::Unknown) {
        text.push_str(" (with --resend-unknown or --skip-unknown)");
    }
    text
}

/// `line 7` or `lines 2-1201, 1300`.
fn lines_phrase(lines: impl IntoIterator<Item = u64>) -> String {
    let ranges = line_ranges(lines);
    if ranges.contains(['-', ',']) {
        format!("lines {ranges}")
    } else {
        format!("line {ranges}")
    }
}

/// `2-1201, 1300, 1302-1310`: sorted line numbers as ranges.
pub fn line_ranges(lines: impl IntoIterator<Item = u64>) -> String {
    let mut lines: Vec<u64> = lines.into_iter().collect();
    lines.sort_unstable();
    let mut ranges: Vec<(u64, u64)> = Vec::new();
    for line in lines {
        match ranges.last_mut() {
            Some((_, end)) if *end + 1 == line => *end = line,
            _ => ranges.push((line, line)),
        }
    }
    ranges
        .iter()
        .map(|&(start, end)| {
            if start == end {
                start.to_string()
            } else {
                format!("{start}-{end}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
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

/// Writes the result file through a temporary file and a rename, so that an interruption
/// never leaves half a file.
fn write_result(path: &Path, outcomes: &[Outcome]) -> Result<(), Error> {
    let io = |e: std::io::Error| Error::Io(format!("cannot write {}: {e}", path.display()));
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(".tmp");
    let temporary = path.with_file_name(name);
    let mut writer = csv::Writer::from_path(&temporary)
        .map_err(|e| Error::Io(format!("cannot write {}: {e}", temporary.display())))?;
    let csv = |e: csv::Error| Error::Io(format!("cannot write {}: {e}", temporary.display()));
    writer.write_record(RESULT_HEADER).map_err(csv)?;
    for o in outcomes {
        let line = o.line.to_string();
        let chunk = o.chunk.map(|c| c.to_string()).unwrap_or_default();
        writer
            .write_record([
                line.as_str(),
                &o.name,
                o.status.as_str(),
                &chunk,
                &o.id,
                &o.url,
            ])
            .map_err(csv)?;
    }
    writer.flush().map_err(io)?;
    drop(writer);
    std::fs::rename(&temporary, path).map_err(io)
}

/// Takes over what an earlier run recorded for the same input.
fn apply_resume(outcomes: &mut [Outcome], path: &Path, unknown: UnknownRows) -> Result<(), Error> {
    let input = |message: String| Error::Input(format!("{}: {message}", path.display()));
    let mut reader = csv::Reader::from_path(path).map_err(|e| input(e.to_string()))?;
    let header = reader.headers().map_err(|e| input(e.to_string()))?.clone();
    if header.iter().collect::<Vec<_>>() != RESULT_HEADER {
        return Err(input(format!(
            "not a result file of `prolinksqr bulk import` (its header is not {})",
            RESULT_HEADER.join(",")
        )));
    }
    let mut earlier: BTreeMap<u64, Outcome> = BTreeMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| input(e.to_string()))?;
        let at = record.position().map_or(0, |p| p.line());
        let field = |i: usize| record.get(i).unwrap_or_default();
        let bad = |what: &str| input(format!("line {at}: bad {what}"));
        let outcome = Outcome {
            line: field(0).parse().map_err(|_| bad("line number"))?,
            name: field(1).to_owned(),
            status: Status::parse(field(2)).ok_or_else(|| bad("status"))?,
            chunk: match field(3) {
                "" => None,
                chunk => Some(chunk.parse().map_err(|_| bad("chunk"))?),
            },
            id: field(4).to_owned(),
            url: field(5).to_owned(),
        };
        earlier.insert(outcome.line, outcome);
    }
    for outcome in outcomes.iter() {
        match earlier.get(&outcome.line) {
            Some(e) if e.name == outcome.name => {}
            _ => {
                return Err(input(format!(
                    "it does not match the input: line {} ({:?}) is not in it as such; \
                     resume with the result file of this same CSV",
                    outcome.line, outcome.name
                )));
            }
        }
    }
    let unknown_lines: Vec<u64> = earlier
        .values()
        .filter(|o| o.status == Status::Unknown)
        .map(|o| o.line)
        .collect();
    if !unknown_lines.is_empty() && unknown == UnknownRows::Refuse {
        return Err(Error::Usage(format!(
            "{}: the outcome of {} is unknown (sent, never answered); check whether \
             those links exist (e.g. `prolinksqr links export`), then resume with \
             --skip-unknown (treat them as created) or --resend-unknown (send them again)",
            path.display(),
            lines_phrase(unknown_lines),
        )));
    }
    for outcome in outcomes.iter_mut() {
        let mut before = earlier
            .remove(&outcome.line)
            .unwrap_or_else(|| outcome.clone());
        before.status = match before.status {
            Status::Unknown if unknown == UnknownRows::Skip => Status::Created,
            Status::Created => Status::Created,
            _ => Status::NotSent,
        };
        if before.status != Status::Created {
            before.chunk = None;
        }
        *outcome = before;
    }
    Ok(())
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
        assert_eq!(lines_phrase([7]), "line 7");
        assert_eq!(lines_phrase([7, 8]), "lines 7-8");
        assert_eq!(lines_phrase([7, 9]), "lines 7, 9");
    }

    #[test]
    fn result_path_sits_beside_the_input() {
        assert_eq!(
            default_result_path(Path::new("/tmp/links.csv")),
            Path::new("/tmp/links.result.csv")
        );
    }
}
