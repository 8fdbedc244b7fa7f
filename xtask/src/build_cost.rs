//! `cargo xtask build-cost`: what depending on `prolinksqr` costs a user at build time,
//! against a hand-written `reqwest` + `serde_json` client with the same TLS choice.
//!
//! Each variant is a small binary crate written under `target/build-cost/<variant>/` with
//! its own, emptied target folder, built cold with `cargo build`, timed (wall, and the CPU
//! seconds of the build from `/usr/bin/time` when it is there: CPU time is what a busy
//! machine does not distort much), and its dependency count taken from `cargo tree`.
//! The project's `Cargo.lock` is copied in so all variants build the same versions.

use std::fs;
use std::io;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::files::write_atomic;

/// One binary to build.
#[derive(Debug, Clone, Copy)]
pub struct Variant {
    /// Folder and package name.
    pub name: &'static str,
    /// What it is, for the table.
    pub what: &'static str,
    /// Its `[dependencies]`, with `{root}` standing for the workspace root.
    dependencies: &'static str,
    /// Its `src/main.rs`.
    main: &'static str,
}

const PROLINKSQR_MAIN: &str = r#"
#[tokio::main]
async fn main() -> prolinksqr::Result<()> {
    let client = prolinksqr::Client::from_env()?;
    let page = client.links().list().size(50).send().await?;
    for link in &page {
        println!("{}: {}", link.name, link.full_dynamic_url);
    }
    Ok(())
}
"#;

// The same call written by hand: the request, the key, the envelope, the model.
const HANDWRITTEN_MAIN: &str = r#"
#[derive(serde::Deserialize)]
struct Link {
    name: String,
    full_dynamic_url: String,
}

#[derive(serde::Deserialize)]
struct Page {
    data: Vec<Link>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key = std::env::var("PROLINKSQR_API_KEY")?;
    let page: Page = reqwest::Client::new()
        .get("https://api.prolinksqr.com/links")
        .query(&[("size", "50")])
        .header("Authorization", format!("Basic {key}"))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    for link in &page.data {
        println!("{}: {}", link.name, link.full_dynamic_url);
    }
    let _: serde_json::Value = serde_json::json!({});
    Ok(())
}
"#;

const TOKIO: &str = r#"tokio = { version = "1", features = ["macros", "rt-multi-thread"] }"#;

/// The variants measured, in table order.
pub const VARIANTS: &[Variant] = &[
    Variant {
        name: "prolinksqr-default",
        what: "`prolinksqr` (default features: rustls on ring)",
        dependencies: r#"prolinksqr = { path = "{root}/generated-client" }"#,
        main: PROLINKSQR_MAIN,
    },
    Variant {
        name: "prolinksqr-rustls",
        what: "`prolinksqr`, `default-features = false, features = [\"rustls\"]`",
        dependencies: r#"prolinksqr = { path = "{root}/generated-client", default-features = false, features = ["rustls"] }"#,
        main: PROLINKSQR_MAIN,
    },
    Variant {
        name: "prolinksqr-no-tls",
        what: "`prolinksqr`, `default-features = false` (no TLS)",
        dependencies: r#"prolinksqr = { path = "{root}/generated-client", default-features = false }"#,
        main: PROLINKSQR_MAIN,
    },
    Variant {
        name: "handwritten-ring",
        what: "hand-written `reqwest` + `serde_json`, rustls on ring (same TLS as the default)",
        dependencies: r#"reqwest = { version = "0.13", default-features = false, features = ["json", "query", "rustls-no-provider"] }
rustls = { version = "0.23", default-features = false, features = ["ring", "std", "tls12"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1""#,
        main: HANDWRITTEN_MAIN,
    },
    Variant {
        name: "handwritten-ring-uploads",
        what: "the same, with the `reqwest` features the whole API needs (`form`, `multipart` for uploads)",
        dependencies: r#"reqwest = { version = "0.13", default-features = false, features = ["json", "query", "form", "multipart", "rustls-no-provider"] }
rustls = { version = "0.23", default-features = false, features = ["ring", "std", "tls12"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1""#,
        main: HANDWRITTEN_MAIN,
    },
    Variant {
        name: "handwritten-reqwest-default",
        what: "hand-written `reqwest` (its default features: rustls on aws-lc-rs) + `serde_json`",
        dependencies: r#"reqwest = { version = "0.13", features = ["json", "query"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1""#,
        main: HANDWRITTEN_MAIN,
    },
];

/// What one cold build cost.
#[derive(Debug, Clone)]
pub struct Cost {
    /// The variant.
    pub variant: Variant,
    /// Wall-clock seconds of `cargo build`.
    pub wall_secs: f64,
    /// User + system CPU seconds of the build, if `/usr/bin/time` measured them.
    pub cpu_secs: Option<f64>,
    /// Packages in the dependency graph (normal and build dependencies), the binary excluded.
    pub dependencies: usize,
}

/// Writes and builds every variant under `dir`.
pub fn run(root: &Path, dir: &Path, only: Option<&str>) -> io::Result<Vec<Cost>> {
    let mut costs = Vec::new();
    for variant in VARIANTS
        .iter()
        .filter(|v| only.is_none_or(|o| v.name.contains(o)))
    {
        let project = dir.join(variant.name);
        write_project(root, &project, variant)?;
        let target = project.join("target");
        if target.exists() {
            fs::remove_dir_all(&target)?;
        }
        // Fetch first, so that download time is not counted as build time.
        cargo(&project, &["fetch", "--quiet"])?;
        let dependencies = count_dependencies(&project)?;
        let time_file = project.join("time.txt");
        let started = Instant::now();
        let status = if Path::new("/usr/bin/time").exists() {
            Command::new("/usr/bin/time")
                .arg("-f")
                .arg("%U %S")
                .arg("-o")
                .arg(&time_file)
                .arg(cargo_bin())
                .args(["build", "--quiet", "--offline"])
                .current_dir(&project)
                .env("CARGO_TARGET_DIR", &target)
                .env_remove("RUSTFLAGS")
                .status()?
        } else {
            Command::new(cargo_bin())
                .args(["build", "--quiet", "--offline"])
                .current_dir(&project)
                .env("CARGO_TARGET_DIR", &target)
                .env_remove("RUSTFLAGS")
                .status()?
        };
        let wall_secs = started.elapsed().as_secs_f64();
        if !status.success() {
            return Err(io::Error::other(format!(
                "cargo build failed for {}",
                variant.name
            )));
        }
        let cpu_secs = fs::read_to_string(&time_file).ok().and_then(|t| {
            let mut parts = t.split_whitespace().map(|p| p.parse::<f64>().ok());
            Some(parts.next()?? + parts.next()??)
        });
        costs.push(Cost {
            variant: *variant,
            wall_secs,
            cpu_secs,
            dependencies,
        });
    }
    Ok(costs)
}

fn cargo_bin() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

fn cargo(project: &Path, args: &[&str]) -> io::Result<String> {
    let output = Command::new(cargo_bin())
        .args(args)
        .current_dir(project)
        .env("CARGO_TARGET_DIR", project.join("target"))
        .output()?;
    if !output.status.success() {
        return Err(io::Error::other(format!(
            "cargo {} failed in {}:\n{}",
            args.join(" "),
            project.display(),
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

fn write_project(root: &Path, project: &Path, variant: &Variant) -> io::Result<()> {
    let root_text = root.display().to_string();
    let manifest = format!(
        "[package]\nname = \"{}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\n{}\n{TOKIO}\n\n[workspace]\n",
        variant.name,
        variant.dependencies.replace("{root}", &root_text),
    );
    write_atomic(&project.join("Cargo.toml"), &manifest)?;
    write_atomic(&project.join("src/main.rs"), variant.main.trim_start())?;
    let lock = root.join("Cargo.lock");
    if lock.exists() {
        fs::copy(&lock, project.join("Cargo.lock"))?;
    }
    Ok(())
}

/// Distinct packages `cargo tree` shows for normal and build dependencies, minus the root.
fn count_dependencies(project: &Path) -> io::Result<usize> {
    let tree = cargo(
        project,
        &[
            "tree",
            "--offline",
            "--prefix",
            "none",
            "-e",
            "normal,build",
            "--format",
            "{p}",
        ],
    )?;
    let mut packages: Vec<&str> = tree
        .lines()
        .map(|l| l.trim_end_matches(" (*)").trim())
        .filter(|l| !l.is_empty())
        .collect();
    packages.sort_unstable();
    packages.dedup();
    Ok(packages.len().saturating_sub(1))
}

/// The table, as Markdown.
pub fn table(costs: &[Cost]) -> String {
    let mut out = String::from(
        "| binary depending on | cold `cargo build` wall (s) | CPU user+sys (s) | packages |\n|---|---:|---:|---:|\n",
    );
    for c in costs {
        out.push_str(&format!(
            "| {} | {:.1} | {} | {} |\n",
            c.variant.what,
            c.wall_secs,
            c.cpu_secs.map_or("-".to_owned(), |s| format!("{s:.1}")),
            c.dependencies
        ));
    }
    out
}
