//! The hand-written parts of the `prolinksqr` command: `bulk import` (a CSV file sent in
//! chunks, with a result file to resume from), `links export`, shell completions, and
//! where the API key comes from. The binary (`src/main.rs`) puts them on top of the
//! generated command tree of `prolinksqr::cli`.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::parser::ValueSource;
use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};

pub mod import;
pub mod records;

pub use import::{ImportOptions, ImportSummary, UnknownRows};
pub use records::LinkKind;

/// Why a hand-written command failed; [`Error::exit_code`] is the process's exit status.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad arguments or setup (no API key, an unknown folder, a result file that does
    /// not match): nothing was sent.
    #[error("{0}")]
    Usage(String),
    /// The input file is unreadable or has bad rows: nothing was sent.
    #[error("{0}")]
    Input(String),
    /// A call to the API failed.
    #[error("{0}")]
    Api(#[from] prolinksqr::Error),
    /// A command of the generated tree failed.
    #[error("{0}")]
    Cli(prolinksqr::cli::CliError),
    /// An import stopped part way; the message says which lines were sent.
    #[error("{0}")]
    Import(String),
    /// The user pressed Ctrl-C during an import; the message says which lines were sent.
    #[error("{0}")]
    Interrupted(String),
    /// Writing output or the result file failed.
    #[error("{0}")]
    Io(String),
}

impl From<std::io::Error> for Error {
    fn from(error: std::io::Error) -> Self {
        Error::Io(error.to_string())
    }
}

impl Error {
    /// 2 for what the user can fix before anything is sent (arguments, key, input
    /// file), 1 for failures of the API or of the import itself, 130 for Ctrl-C.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) | Error::Input(_) => 2,
            Error::Cli(error) => error.exit_code(),
            // 128 + SIGINT, as shells report a command ended by Ctrl-C.
            Error::Interrupted(_) => 130,
            Error::Api(_) | Error::Import(_) | Error::Io(_) => 1,
        }
    }
}

/// The environment variable holding the API key.
pub const API_KEY_VAR: &str = "PROLINKSQR_API_KEY";
/// The environment variable holding the base URL (optional).
pub const BASE_URL_VAR: &str = "PROLINKSQR_BASE_URL";
/// The file drift is recorded into when `--drift-log` is not given.
pub const DRIFT_LOG_VAR: &str = "PROLINKSQR_DRIFT_LOG";

const IMPORT_LONG_ABOUT: &str = "\
Create links from a CSV file with POST /bulk-generate, at most 1,200 records per request.

The header row names the record fields of the link type, in any order (case, `_`, `-`
and spaces do not matter: `Product Name` is `productName`):
  website: name,url
  product: name,productName[,productDescription,currency,subTotal,tax,totalNet]
  sms:     name,phone
  vcard:   name,firstName,lastName,contact,email[,phone,fax,company,department,
           street,city,zip,state,country,website]
Every row is checked first (required fields present, numbers, URLs, e-mail addresses);
if any is bad, all bad rows are listed with their line numbers and nothing is sent.";

const IMPORT_AFTER_LONG_HELP: &str = "\
The result file (default: FILE.result.csv beside the input, or the --resume file) has one
line per input row: line,name,status,chunk,id,url, where status is
  created   the server answered 2xx for the row's chunk
  failed    the server refused the chunk (4xx) or it could not be sent
  unknown   the chunk was sent but no usable answer came (timeout, lost connection,
            any 5xx, Ctrl-C): the links may exist
  not-sent  an earlier chunk stopped the import
Outcomes are recorded as they happen, in a hidden journal beside it that becomes the
result file when the run ends (a run that is killed leaves the journal: resume from it).
A chunk that is not created stops the import with exit status 1 and a report of the line
ranges in each state. Names, ids and URLs that a spreadsheet would run as a formula
(starting with =, +, -, @, tab or CR) are written with a leading ' (read back without
it). Only one import at a time writes a result file (RESULT.lock).

--resume RESULT.csv sends only the rows not `created`. If the file has `unknown` rows it
refuses to run until you decide: check whether those links exist (e.g. with
`prolinksqr links export`), then pass --skip-unknown (treat them as created) or
--resend-unknown (send them again, which creates duplicates if they did exist).

Example:
  prolinksqr bulk import links.csv --type website --folder Campaigns
  prolinksqr bulk import links.csv --type website --folder Campaigns --resume links.result.csv";

/// The `import` subcommand of `bulk`.
pub fn import_command() -> Command {
    Command::new("import")
        .about("Create links from a CSV file, 1,200 per request, with a result file to resume from")
        .long_about(IMPORT_LONG_ABOUT)
        .after_long_help(IMPORT_AFTER_LONG_HELP)
        .arg(
            Arg::new("file")
                .value_name("FILE.csv")
                .required(true)
                .value_parser(value_parser!(PathBuf))
                .help("The CSV file of records"),
        )
        .arg(
            Arg::new("type")
                .long("type")
                .required(true)
                .value_parser(LinkKind::ALL.map(LinkKind::as_str))
                .help("The link type of every row"),
        )
        .arg(
            Arg::new("folder")
                .long("folder")
                .value_name("NAME-OR-ID")
                .help("Put every link in this folder: a folder id, or the name of exactly one folder"),
        )
        .arg(
            Arg::new("result")
                .long("result")
                .value_name("RESULT.csv")
                .value_parser(value_parser!(PathBuf))
                .help("Where to write the result file [default: FILE.result.csv, or the --resume file]"),
        )
        .arg(
            Arg::new("resume")
                .long("resume")
                .value_name("RESULT.csv")
                .value_parser(value_parser!(PathBuf))
                .help("Continue an earlier import of FILE: send only the rows this result file does not list as created"),
        )
        .arg(
            Arg::new("resend-unknown")
                .long("resend-unknown")
                .action(ArgAction::SetTrue)
                .requires("resume")
                .conflicts_with("skip-unknown")
                .help("With --resume: send rows of unknown outcome again (may duplicate them)"),
        )
        .arg(
            Arg::new("skip-unknown")
                .long("skip-unknown")
                .action(ArgAction::SetTrue)
                .requires("resume")
                .help("With --resume: treat rows of unknown outcome as created"),
        )
        .arg(
            Arg::new("chunk-timeout")
                .long("chunk-timeout")
                .value_name("SECONDS")
                .default_value("120")
                .value_parser(value_parser!(u64).range(1..))
                .help("How long to wait for the answer to each request; a chunk not answered in time is `unknown`"),
        )
}

/// The columns of `links export` as CSV or a table: `(header, JSON Pointer into a link)`.
/// A link's destination is in its type's `meta_data` (`url` for website links; types
/// without one leave the cell empty); its folder is `folder_id` (empty: no folder).
pub const EXPORT_COLUMNS: [(&str, &str); 7] = [
    ("dynamic_link_id", "/dynamic_link_id"),
    ("name", "/name"),
    ("type", "/type"),
    ("full_dynamic_url", "/full_dynamic_url"),
    ("destination_url", "/meta_data/url"),
    ("folder_id", "/folder_id"),
    ("created_at", "/created_at"),
];

/// The `export` subcommand of `links`: a copy of `list` (the generated `links list`,
/// with its filters) that always fetches every page, and writes CSV unless told otherwise.
pub fn export_command(list: &Command) -> Command {
    let columns = EXPORT_COLUMNS.map(|(header, _)| header).join(",");
    list.clone()
        .name("export")
        .about("Write every link (all pages) to stdout, as CSV unless --output says otherwise")
        .long_about(format!(
            "Write every link to stdout: the same as `links list --all`, with the same \
             filters, but CSV unless --output is given, with the columns\n  {columns}\n\
             (destination_url is the website link's target; folder_id is empty for links in \
             no folder). A cell starting with =, +, -, @, a tab or a carriage return gets a \
             leading ' so that a spreadsheet shows it as text rather than run it.\n\n\
             Example:\n  \
             prolinksqr links export > links.csv\n  \
             prolinksqr links export --folder 0c8f...e21 --output json > links.json"
        ))
        .mut_arg("all", |all| {
            all.help("Every page (always the case; accepted as in `links list --all`)")
        })
        // Its own `--output`, so that help shows the default export really has (the
        // global one says json).
        .arg(
            Arg::new("output")
                .long("output")
                .value_name("FORMAT")
                .value_parser(prolinksqr::cli::OutputFormat::NAMES)
                .default_value("csv")
                .help("How to print the links: CSV (the default), a table, or JSON"),
        )
}

/// The `completions` subcommand.
pub fn completions_command() -> Command {
    Command::new("completions")
        .about("Print a shell completion script")
        .long_about(
            "Print a completion script for SHELL to stdout, e.g.\n  \
             prolinksqr completions bash > ~/.local/share/bash-completion/completions/prolinksqr\n  \
             prolinksqr completions zsh > ~/.zfunc/_prolinksqr\n  \
             prolinksqr completions fish > ~/.config/fish/completions/prolinksqr.fish",
        )
        .arg(
            Arg::new("shell")
                .value_name("SHELL")
                .required(true)
                .value_parser(value_parser!(clap_complete::Shell)),
        )
}

/// Adds the hand-written commands to `root` (`prolinksqr::cli::command()`, which has
/// `bulk` and `links list`): `--api-key-file`, `completions`, `bulk import`, `links export`.
pub fn extend(root: Command) -> Command {
    let list = root
        .find_subcommand("links")
        .and_then(|links| links.find_subcommand("list"))
        .cloned()
        .unwrap_or_else(|| {
            Command::new("list").arg(Arg::new("all").long("all").action(ArgAction::SetTrue))
        });
    root.version(env!("CARGO_PKG_VERSION"))
        .arg(
            Arg::new("api-key-file")
                .long("api-key-file")
                .value_name("PATH")
                .global(true)
                .value_parser(value_parser!(PathBuf))
                .help(format!(
                    "Read the API key from this file (trimmed) instead of {API_KEY_VAR}"
                )),
        )
        .arg(
            Arg::new("drift-log")
                .long("drift-log")
                .value_name("FILE")
                .global(true)
                .value_parser(value_parser!(PathBuf))
                .help(format!(
                    "Record where responses differ from the API description into FILE (JSON, \
                     merged with what it holds; also {DRIFT_LOG_VAR})"
                )),
        )
        .arg(
            Arg::new("max-pages")
                .long("max-pages")
                .value_name("N")
                .global(true)
                .value_parser(value_parser!(u64).range(1..))
                // The library's default too: far more than a person pages through, and
                // an end to a server that never says "last page".
                .default_value("10000")
                .help("Fetch at most N pages of a list (--all, links export); a longer list is an error"),
        )
        .after_help(format!(
            "The API key comes from --api-key-file or {API_KEY_VAR}; the base URL from \
         {BASE_URL_VAR} (default https://api.prolinksqr.com)."
        ))
        .subcommand(completions_command())
        .mut_subcommand("bulk", |bulk| bulk.subcommand(import_command()))
        .mut_subcommand("links", |links| links.subcommand(export_command(&list)))
}

/// The client for `matches`: the key from `--api-key-file` (see [`read_key_file`]) or
/// `PROLINKSQR_API_KEY`, the base URL from `PROLINKSQR_BASE_URL` if set, `--max-pages`.
/// Warnings (a key file others can read) go to `log`.
pub fn client(
    matches: &ArgMatches,
    log: &mut dyn std::io::Write,
) -> Result<prolinksqr::Client, Error> {
    let key = match matches.get_one::<PathBuf>("api-key-file") {
        Some(path) => read_key_file(path, log)?,
        None => std::env::var(API_KEY_VAR)
            .ok()
            .map(|key| key.trim().to_owned())
            .filter(|key| !key.is_empty())
            .ok_or_else(|| {
                Error::Usage(format!(
                    "no API key: set {API_KEY_VAR} or pass --api-key-file PATH"
                ))
            })?,
    };
    let mut builder = prolinksqr::Client::builder().credential(key);
    if let Some(url) = std::env::var(BASE_URL_VAR)
        .ok()
        .filter(|url| !url.trim().is_empty())
    {
        builder = builder.base_url(url.trim());
    }
    if let Some(pages) = matches.get_one::<u64>("max-pages") {
        builder = builder.max_pages(*pages);
    }
    let drift_log = matches
        .get_one::<PathBuf>("drift-log")
        .cloned()
        .or_else(|| {
            std::env::var_os(DRIFT_LOG_VAR)
                .filter(|file| !file.is_empty())
                .map(PathBuf::from)
        });
    if let Some(file) = drift_log {
        builder = builder.record_drift_to(file);
    }
    builder
        .build()
        .map_err(|e| Error::Usage(format!("cannot set up the client: {e}")))
}

/// The most an API key file may hold: a key is a few dozen bytes, and a path such as
/// `/dev/zero` or a log file given by mistake must not be read without end.
pub const MAX_KEY_FILE: u64 = 64 * 1024;

/// The API key in the file at `path`: a regular file (not a device, FIFO or directory) of
/// at most [`MAX_KEY_FILE`] bytes of UTF-8, without a leading byte-order mark (Windows
/// editors write one) or surrounding whitespace. On unix, a file that its group or other
/// users can read gets a warning on `log`: it holds a secret.
pub fn read_key_file(path: &Path, log: &mut dyn std::io::Write) -> Result<String, Error> {
    use std::io::Read;
    let shown = path.display();
    let unreadable =
        |e: std::io::Error| Error::Usage(format!("cannot read the API key file {shown}: {e}"));
    // Checked before opening: opening a FIFO waits for a writer.
    let regular = |meta: &std::fs::Metadata| {
        if meta.is_file() {
            Ok(())
        } else {
            Err(Error::Usage(format!(
                "the API key file {shown} is not a regular file"
            )))
        }
    };
    regular(&std::fs::metadata(path).map_err(unreadable)?)?;
    let file = std::fs::File::open(path).map_err(unreadable)?;
    // Again on what was opened: the path may have been replaced in between.
    let meta = file.metadata().map_err(unreadable)?;
    regular(&meta)?;
    let mut bytes = Vec::new();
    file.take(MAX_KEY_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_KEY_FILE {
        return Err(Error::Usage(format!(
            "the API key file {shown} is larger than {} KiB: not a key file",
            MAX_KEY_FILE / 1024
        )));
    }
    let content = String::from_utf8(bytes)
        .map_err(|_| Error::Usage(format!("the API key file {shown} is not UTF-8 text")))?;
    let key = content.strip_prefix('\u{feff}').unwrap_or(&content).trim();
    if key.is_empty() {
        return Err(Error::Usage(format!("the API key file {shown} is empty")));
    }
    // Only a file that holds a key is worth a warning about who can read it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            let _ = writeln!(
                log,
                "warning: the API key file {shown} is open to other users (mode {mode:03o}); \
                 run `chmod 600 {shown}`"
            );
        }
    }
    #[cfg(not(unix))]
    let _ = log;
    Ok(key.to_owned())
}

/// The line `main` prints for `error` on standard error (without the `error: ` prefix):
/// its message with the characters a terminal would act on escaped
/// ([`prolinksqr::cli::terminal_text`]; messages hold names and ids from the server), and
/// for a list longer than `--max-pages` allows, the flag that raises the limit.
pub fn error_message(error: &Error) -> String {
    let api = match error {
        Error::Api(api) | Error::Cli(prolinksqr::cli::CliError::Api(api)) => Some(api),
        _ => None,
    };
    if let Some(prolinksqr::Error::TooManyPages { limit, .. }) = api {
        return format!(
            "the list has more than {limit} pages, the most --max-pages allows: pass \
             --max-pages N with a larger N to fetch them all"
        );
    }
    prolinksqr::cli::terminal_text(&error.to_string()).into_owned()
}

/// Which hand-written command `matches` selects, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Own {
    /// `completions SHELL`.
    Completions,
    /// `bulk import`.
    BulkImport,
    /// `links export`.
    LinksExport,
}

/// The hand-written command `matches` selects, or `None` for a generated one.
pub fn own_command(matches: &ArgMatches) -> Option<Own> {
    match matches.subcommand()? {
        ("completions", _) => Some(Own::Completions),
        ("bulk", m) if m.subcommand_name() == Some("import") => Some(Own::BulkImport),
        ("links", m) if m.subcommand_name() == Some("export") => Some(Own::LinksExport),
        _ => None,
    }
}

/// Writes the completion script of `root` for the shell `matches` names.
pub fn completions(root: &mut Command, matches: &ArgMatches, out: &mut dyn std::io::Write) {
    let shell = matches
        .subcommand_matches("completions")
        .and_then(|m| m.get_one::<clap_complete::Shell>("shell").copied())
        .unwrap_or(clap_complete::Shell::Bash);
    let name = root.get_name().to_owned();
    clap_complete::generate(shell, root, name, out);
}

/// Runs `bulk import` or `links export` (as [`own_command`] says `matches` selects);
/// human-readable reports go to `log`, data to `out`.
pub async fn run_own(
    client: &prolinksqr::Client,
    matches: &ArgMatches,
    options: &prolinksqr::cli::Options,
    out: &mut (dyn std::io::Write + Send),
    log: &mut (dyn std::io::Write + Send),
) -> Result<(), Error> {
    if let Some(m) = matches
        .subcommand_matches("bulk")
        .and_then(|m| m.subcommand_matches("import"))
    {
        let options = import_options(m)?;
        import::run(client, &options, log).await?;
        return Ok(());
    }
    if let Some(m) = matches
        .subcommand_matches("links")
        .and_then(|m| m.subcommand_matches("export"))
    {
        // `links list --all` of the generated tree does the work: parsed again from the
        // arguments given to `export`, so its filters and formats stay the same.
        let mut root = prolinksqr::cli::command();
        let list = root
            .find_subcommand("links")
            .and_then(|links| links.find_subcommand("list"))
            .cloned()
            .ok_or_else(|| Error::Usage("this build has no `links list`".to_owned()))?;
        let argv = export_argv(&list, m, export_format(matches, m));
        let list_matches = root
            .try_get_matches_from_mut(argv)
            .map_err(|e| Error::Usage(e.to_string()))?;
        let options = EXPORT_COLUMNS
            .iter()
            .fold(options.clone(), |options, (header, pointer)| {
                options.column(*header, *pointer)
            });
        prolinksqr::cli::run(client, &list_matches, &options, out)
            .await
            .map_err(Error::Cli)?;
        return Ok(());
    }
    Err(Error::Usage("not a hand-written command".to_owned()))
}

fn import_options(m: &ArgMatches) -> Result<ImportOptions, Error> {
    let kind = m
        .get_one::<String>("type")
        .and_then(|t| LinkKind::parse(t))
        .ok_or_else(|| Error::Usage("--type is required".to_owned()))?;
    let unknown = if m.get_flag("resend-unknown") {
        UnknownRows::Resend
    } else if m.get_flag("skip-unknown") {
        UnknownRows::Skip
    } else {
        UnknownRows::Refuse
    };
    Ok(ImportOptions {
        input: m
            .get_one::<PathBuf>("file")
            .cloned()
            .ok_or_else(|| Error::Usage("FILE is required".to_owned()))?,
        kind,
        folder: m.get_one::<String>("folder").cloned(),
        result: m.get_one::<PathBuf>("result").cloned(),
        resume: m.get_one::<PathBuf>("resume").cloned(),
        unknown,
        chunk_timeout: Duration::from_secs(
            m.get_one::<u64>("chunk-timeout").copied().unwrap_or(120),
        ),
        progress: true,
    })
}

/// Whether `id` was given on the command line (or in the environment) rather than left
/// at its default.
fn explicit(matches: &ArgMatches, id: &str) -> bool {
    matches!(
        matches.value_source(id),
        Some(ValueSource::CommandLine | ValueSource::EnvVariable)
    )
}

/// The `--output` of `links export`: given after `export` (`export`'s own), else before it
/// (the root's), else CSV.
fn export_format<'a>(root: &'a ArgMatches, export: &'a ArgMatches) -> &'a str {
    [export, root]
        .into_iter()
        .filter(|m| explicit(m, "output"))
        .find_map(|m| m.try_get_one::<String>("output").ok().flatten())
        .map_or("csv", String::as_str)
}

/// The command line of `links list --all` that `links export` with `matches` stands
/// for: `--output output`, and every argument of `list` given on the command line.
pub fn export_argv(list: &Command, matches: &ArgMatches, output: &str) -> Vec<OsString> {
    let explicit = |id: &str| explicit(matches, id);
    let mut argv: Vec<OsString> = ["prolinksqr", "--output", output, "links", "list", "--all"]
        .map(OsString::from)
        .to_vec();
    for arg in list.get_arguments() {
        let id = arg.get_id().as_str();
        if matches!(id, "all" | "output") || arg.is_global_set() || !explicit(id) {
            continue;
        }
        let values = matches.get_raw(id).into_iter().flatten();
        match arg.get_long() {
            Some(long) if matches!(arg.get_action(), ArgAction::SetTrue) => {
                argv.push(format!("--{long}").into());
            }
            Some(long) => {
                for value in values {
                    // `--name=value`, so that a value starting with `-` stays a value.
                    let mut flag = OsString::from(format!("--{long}="));
                    flag.push(value);
                    argv.push(flag);
                }
            }
            None => argv.extend(values.map(OsStr::to_owned)),
        }
    }
    argv
}
