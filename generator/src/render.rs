//! Token streams -> formatted source text with the generated-file header.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use proc_macro2::TokenStream;

use crate::error::{Error, ErrorKind, Result};

/// Formats `tokens` as a Rust source file that starts with `header` comment lines (and a
/// blank line, when there are any); without a header, as a part of a file.
pub fn render(file: &str, header: &[String], tokens: TokenStream) -> Result<String> {
    let parsed: syn::File = syn::parse2(tokens).map_err(|e| {
        // Only a generator bug gets here; say so rather than panic.
        Error::new(
            ErrorKind::Unsupported,
            "#",
            format!("internal error: the code generated for {file} does not parse ({e}); please report it with the spec"),
        )
    })?;
    let mut out = String::new();
    for line in header {
        out.push_str("// ");
        out.push_str(line);
        out.push('\n');
    }
    if !header.is_empty() {
        out.push('\n');
    }
    out.push_str(&prettyplease::unparse(&parsed));
    Ok(out)
}

/// Runs `work` (which yields a file's path and contents) on every job, on as many threads as
/// the machine has cores, and collects the files sorted by path. Jobs that yield the same
/// path are parts of one file, joined in the order of the jobs.
///
/// Jobs are taken in order by whichever thread is free, so the output does not depend on the
/// thread count; when several jobs fail, the error of the first failing job is returned.
pub fn in_parallel<J, F>(jobs: &[J], work: F) -> Result<BTreeMap<String, String>>
where
    J: Sync,
    F: Fn(&J) -> Result<(String, String)> + Sync,
{
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, jobs.len().max(1));
    let next = AtomicUsize::new(0);
    let run = || {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(job) = jobs.get(index) else { break };
            done.push((index, work(job)));
        }
        done
    };
    let mut results: Vec<(usize, Result<(String, String)>)> = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(run)).collect();
        let mut all = run();
        for helper in helpers {
            match helper.join() {
                Ok(done) => all.extend(done),
                // A panic is a generator bug; surface it as the single-threaded code would.
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        all
    });
    results.sort_by_key(|(index, _)| *index);
    let mut files = BTreeMap::<String, String>::new();
    for (_, result) in results {
        let (path, contents) = result?;
        files.entry(path).or_default().push_str(&contents);
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_parallel_collects_every_file_sorted_by_path() {
        let jobs: Vec<u32> = (0..50).rev().collect();
        let files = in_parallel(&jobs, |n| Ok((format!("{n:02}.rs"), n.to_string()))).unwrap();
        assert_eq!(files.len(), 50);
        let paths: Vec<_> = files.keys().cloned().collect();
        let expected: Vec<_> = (0..50).map(|n| format!("{n:02}.rs")).collect();
        assert_eq!(paths, expected);
        assert_eq!(files["07.rs"], "7");
    }

    #[test]
    fn in_parallel_returns_the_error_of_the_first_failing_job() {
        let jobs: Vec<u32> = (0..40).collect();
        for _ in 0..20 {
            let error = in_parallel(&jobs, |n| {
                if n % 10 == 3 {
                    Err(Error::new(
                        ErrorKind::Unsupported,
                        format!("#/{n}"),
                        "fails",
                    ))
                } else {
                    Ok((n.to_string(), String::new()))
                }
            })
            .unwrap_err();
            assert_eq!(error.pointer, "#/3");
        }
    }

    #[test]
    fn in_parallel_joins_the_parts_of_a_file_in_job_order() {
        let jobs: Vec<u32> = (0..30).collect();
        let files = in_parallel(&jobs, |n| Ok((format!("{}.rs", n % 3), format!("{n},")))).unwrap();
        assert_eq!(files.len(), 3);
        assert_eq!(files["1.rs"], "1,4,7,10,13,16,19,22,25,28,");
    }

    #[test]
    fn in_parallel_with_no_jobs_is_empty() {
        let files = in_parallel(&[] as &[u32], |_| unreachable!()).unwrap();
        assert!(files.is_empty());
    }
}
