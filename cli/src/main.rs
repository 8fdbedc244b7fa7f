//! The `prolinksqr` command: the generated command tree of `prolinksqr::cli`, with the
//! hand-written commands of this crate on top.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use prolinksqr_cli::{Error, Own, own_command};

fn main() -> ExitCode {
    let mut root = prolinksqr_cli::extend(prolinksqr::cli::command());
    let matches = match root.try_get_matches_from_mut(std::env::args_os()) {
        Ok(matches) => matches,
        // Help and version are "errors" that exit 0; clap knows which, and exits 2 for
        // real ones.
        Err(e) => e.exit(),
    };
    let own = own_command(&matches);
    if own == Some(Own::Completions) {
        prolinksqr_cli::completions(&mut root, &matches, &mut std::io::stdout().lock());
        return ExitCode::SUCCESS;
    }
    let terminal = std::io::stdout().is_terminal();
    let options = prolinksqr::cli::Options::new()
        .pretty(terminal)
        .terminal(terminal);
    let result = prolinksqr_cli::client(&matches, &mut std::io::stderr()).and_then(|client| {
        let runtime = tokio::runtime::Runtime::new()
            .map_err(|e| Error::Io(format!("cannot start the runtime: {e}")))?;
        runtime.block_on(async {
            let mut out = std::io::stdout();
            match own {
                Some(_) => {
                    let mut log = std::io::stderr();
                    prolinksqr_cli::run_own(&client, &matches, &options, &mut out, &mut log).await
                }
                None => prolinksqr::cli::run(&client, &matches, &options, &mut out)
                    .await
                    .map_err(Error::Cli),
            }
        })
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let message = prolinksqr_cli::error_message(&error);
            let _ = writeln!(std::io::stderr(), "error: {message}");
            ExitCode::from(error.exit_code())
        }
    }
}
