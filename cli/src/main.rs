//! The `prolinksqr` command.

use std::io::Write;
use std::process::ExitCode;

use prolinksqr_cli::{Own, own_command};

fn main() -> ExitCode {
    let mut root = prolinksqr_cli::extend(prolinksqr_cli::standalone_root());
    let matches = match root.try_get_matches_from_mut(std::env::args_os()) {
        Ok(matches) => matches,
        // Help and version are "errors" that exit 0; clap knows which.
        Err(e) => e.exit(),
    };
    if own_command(&matches) == Some(Own::Completions) {
        prolinksqr_cli::completions(&mut root, &matches, &mut std::io::stdout().lock());
        return ExitCode::SUCCESS;
    }
    let result = prolinksqr_cli::client(&matches).and_then(|client| {
        let runtime = tokio::runtime::Runtime::new()
            .map_err(|e| prolinksqr_cli::Error::Io(format!("cannot start: {e}")))?;
        runtime.block_on(async {
            let mut out = std::io::stdout();
            let mut log = std::io::stderr();
            prolinksqr_cli::run_own(&client, &matches, &mut out, &mut log).await
        })
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "error: {error}");
            ExitCode::from(error.exit_code())
        }
    }
}
