//! What every command has, so that the generated code states per operation only its
//! arguments and how they fill the operation's inputs: the clap arguments of each kind of
//! input, and [`Call`], which sends the inputs as a [`Request`] and prints the result.

use std::io::Write;

use super::{CliError, Options, format, write_bytes, write_response, write_stream, write_text};
use crate::runtime::request::Erased;
use crate::runtime::{Client, Endpoint, Paginated, Paging, Request};
use clap::{Arg, ArgAction, ArgMatches, Command};

/// The command of one operation: `name`, described by `about`.
pub fn operation(name: &'static str, about: &'static str) -> Command {
    Command::new(name).about(about)
}

/// `id` as the name of its value in the help (`organization-name`: `ORGANIZATION_NAME`).
fn value_name(id: &str) -> String {
    id.replace('-', "_").to_uppercase()
}

/// `arg` with `help`, unless it is empty (the spec says nothing of the input).
fn with_help(arg: Arg, help: &'static str) -> Arg {
    if help.is_empty() { arg } else { arg.help(help) }
}

/// A required input given by position.
pub fn positional(id: &'static str, help: &'static str) -> Arg {
    with_help(Arg::new(id).value_name(value_name(id)).required(true), help)
}

/// An optional input given as `--id VALUE`.
pub fn flag(id: &'static str, help: &'static str) -> Arg {
    with_help(Arg::new(id).long(id).value_name(value_name(id)), help)
}

/// A boolean input that is either given (`--id`, true) or not.
pub fn switch_flag(id: &'static str, help: &'static str) -> Arg {
    with_help(Arg::new(id).long(id).action(ArgAction::SetTrue), help)
}

/// A list input: `--id VALUE` given once per value, or with the values joined by commas
/// when the API sends them joined.
pub fn list_flag(id: &'static str, help: &'static str, joined: bool) -> Arg {
    let arg = flag(id, help).action(ArgAction::Append);
    if joined {
        arg.value_delimiter(',')
    } else {
        arg
    }
}

/// `--body FILE`: a JSON or YAML body. A required body may be given by its fields' flags
/// instead.
pub fn json_body_arg(required: bool) -> Arg {
    let help = if required {
        "The request body: a JSON or YAML file (`-` for standard input); required unless its fields are given as flags"
    } else {
        "The request body: a JSON or YAML file (`-` for standard input)"
    };
    Arg::new("body").long("body").value_name("FILE").help(help)
}

/// `--body FILE`: a body sent as it is.
pub fn raw_body_arg() -> Arg {
    Arg::new("body")
        .long("body")
        .value_name("FILE")
        .help("The request body: a file sent as it is (`-` for standard input)")
}

/// What starts the id of a body field's flag; the rest is `text:` or `json:` and the
/// field's JSON name. Ids are not shown: the flag is `--long`.
const BODY_FIELD: &str = "body field ";

/// `--long VALUE`, which sets the body's top-level field `wire`: as a JSON string when
/// `text`, else parsed as JSON (numbers, booleans), falling back to a string.
pub fn body_field(long: &'static str, wire: &'static str, text: bool, help: &'static str) -> Arg {
    let kind = if text { "text" } else { "json" };
    let id = format!("{BODY_FIELD}{kind}:{wire}");
    with_help(Arg::new(id).long(long).value_name(value_name(long)), help)
}

/// The JSON name of the body field an argument id sets, and whether its value is text.
pub(super) fn body_field_of(id: &str) -> Option<(&str, bool)> {
    let rest = id.strip_prefix(BODY_FIELD)?;
    if let Some(wire) = rest.strip_prefix("text:") {
        return Some((wire, true));
    }
    rest.strip_prefix("json:").map(|wire| (wire, false))
}

/// One command line being run: the client, the arguments of the command it reached, and
/// where the result goes. The generated `run` functions descend the command tree with
/// [`subcommand`](Self::subcommand), then call the operation with one of [`json`](Self::json),
/// [`list`](Self::list), [`text`](Self::text), [`bytes`](Self::bytes) or
/// [`empty`](Self::empty), as its response is.
///
/// Each of those takes a function (a closure without captures) that reads the operation's
/// inputs from the arguments: the generated code is that struct literal, and sending,
/// `--all` and printing are written once, here.
pub struct Call<'a> {
    client: &'a Client,
    matches: &'a ArgMatches,
    options: &'a Options,
    out: &'a mut (dyn Write + Send),
}

/// Reads an operation's inputs from its command's arguments.
pub type ReadInputs<E> = fn(&ArgMatches) -> Result<E, CliError>;

impl<'a> Call<'a> {
    /// A command line parsed into `matches`, run with `client`, printing to `out`.
    pub fn new(
        client: &'a Client,
        matches: &'a ArgMatches,
        options: &'a Options,
        out: &'a mut (dyn Write + Send),
    ) -> Self {
        Call {
            client,
            matches,
            options,
            out,
        }
    }

    /// The name of the subcommand given, and this call with its arguments.
    ///
    /// # Errors
    /// [`CliError::Usage`] when no subcommand is given.
    pub fn subcommand(self) -> Result<(&'a str, Call<'a>), CliError> {
        match self.matches.subcommand() {
            Some((name, matches)) => Ok((name, Call { matches, ..self })),
            None => Err(CliError::Usage("no command given".to_owned())),
        }
    }

    fn request<E: Endpoint>(&self, read: ReadInputs<E>) -> Result<Request<E>, CliError> {
        Ok(Request::new(self.client, read(self.matches)?))
    }

    /// The request `read` makes, its operation's type erased: everything after reading the
    /// inputs is the same code for every operation ([`print`](Self::print)).
    fn erased<E: Endpoint>(&self, read: ReadInputs<E>) -> Result<Erased, CliError> {
        self.request(read).map(Request::erase)
    }

    /// Sends the operation and prints its JSON result in the `--output` format: the part
    /// of the body the operation returns ([`Endpoint::OUTPUT_AT`]), as the API sent it.
    ///
    /// # Errors
    /// [`CliError`] for bad arguments, the API's errors and the output.
    pub fn json<E: Endpoint>(
        self,
        read: ReadInputs<E>,
    ) -> impl Future<Output = Result<(), CliError>> + Send + 'a {
        let request = self.erased(read);
        self.print(request, Printed::Json(E::OUTPUT_AT))
    }

    /// [`json`](Self::json) for a paginated list (the page as the API sent it), which with
    /// `--all` prints every item of every page as it arrives.
    ///
    /// # Errors
    /// [`CliError`] for bad arguments, the API's errors and the output.
    pub async fn list<E: Paginated>(self, read: ReadInputs<E>) -> Result<(), CliError> {
        if super::all(self.matches) {
            let format = format(self.matches);
            let items = <E::Paging as Paging<E>>::json_items(self.request(read)?);
            return write_stream(items, format, self.options, self.out).await;
        }
        let request = self.erased(read);
        self.print(request, Printed::Json(E::OUTPUT_AT)).await
    }

    /// Sends the operation and prints its text result.
    ///
    /// # Errors
    /// [`CliError`] for bad arguments, the API's errors and the output.
    pub fn text<E: Endpoint<Output = String>>(
        self,
        read: ReadInputs<E>,
    ) -> impl Future<Output = Result<(), CliError>> + Send + 'a {
        let request = self.erased(read);
        self.print(request, Printed::Text)
    }

    /// Sends the operation and writes its binary result as it is.
    ///
    /// # Errors
    /// [`CliError`] for bad arguments, the API's errors and the output.
    pub fn bytes<E: Endpoint<Output = bytes::Bytes>>(
        self,
        read: ReadInputs<E>,
    ) -> impl Future<Output = Result<(), CliError>> + Send + 'a {
        let request = self.erased(read);
        self.print(request, Printed::Bytes)
    }

    /// Sends an operation that answers with no content, and prints nothing.
    ///
    /// # Errors
    /// [`CliError`] for bad arguments and the API's errors.
    pub fn empty<E: Endpoint<Output = ()>>(
        self,
        read: ReadInputs<E>,
    ) -> impl Future<Output = Result<(), CliError>> + Send + 'a {
        let request = self.erased(read);
        self.print(request, Printed::Nothing)
    }

    /// Sends `request` and prints its response as `printed` says.
    async fn print(
        self,
        request: Result<Erased, CliError>,
        printed: Printed,
    ) -> Result<(), CliError> {
        let request = request?;
        let op = request.operation();
        let raw = request.send_raw().await?;
        match printed {
            Printed::Json(at) => {
                let format = format(self.matches);
                write_response(&raw.body, at, format, self.options, self.out)
            }
            Printed::Text => {
                let text = crate::runtime::decode_text(op, raw)?;
                write_text(&text, self.options, self.out)
            }
            Printed::Bytes => write_bytes(&raw.body, self.out),
            Printed::Nothing => Ok(()),
        }
    }
}

/// What a command prints of its response.
enum Printed {
    /// The JSON at these keys of the body (all of it when there are none).
    Json(&'static [&'static str]),
    /// The body as text.
    Text,
    /// The body as it is.
    Bytes,
    /// Nothing.
    Nothing,
}

/// The error for a subcommand this command does not have.
pub fn unknown(name: &str) -> CliError {
    CliError::Usage(format!("unknown command `{name}`"))
}
