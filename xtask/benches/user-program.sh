#!/bin/sh
# Writes a program that calls 8 of oxide-nexus's operations (one as a stream) against the
# generated crate in CRATE_DIR, for BENCHMARKS.md section 18: what a program pays to
# build when the operations' code is compiled where they are called.
#
#   xtask/benches/user-program.sh CRATE_DIR OUT_DIR
#
# Then `xtask/benches/build-generated.sh 3 TARGET "" OUT_DIR...` times its build.
set -eu
crate=${1:?usage: user-program.sh CRATE_DIR OUT_DIR}
out=${2:?usage}
package=$(sed -n 's/^name = "\(.*\)"/\1/p' "$crate/Cargo.toml" | head -n 1)
mkdir -p "$out/src"
cat > "$out/Cargo.toml" <<TOML
[package]
name = "$(basename "$out")"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
nexus = { path = "$(cd "$crate" && pwd)", package = "$package" }
futures = "0.3"
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }

[workspace]
TOML
cat > "$out/src/main.rs" <<'RUST'
//! A program that calls 8 of nexus's 193 operations, one of them as a stream.
#![allow(deprecated)]
use futures::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = nexus::Client::from_env()?;
    let projects = client.projects().project_list("org").send().await?;
    println!("{}", projects.items.len());
    let project = client.projects().project_view("org", "p").send().await?;
    println!("{:?}", project.name);
    let instances: Vec<_> = client.instances().instance_list("org", "p").stream().try_collect().await?;
    println!("{}", instances.len());
    let instance = client.instances().instance_view("org", "p", "i").send().await?;
    println!("{:?}", instance.name);
    client.instances().instance_delete("org", "p", "i").send().await?;
    let disks = client.disks().disk_list("org", "p").send().await?;
    println!("{}", disks.items.len());
    let disk = client.disks().disk_view("org", "p", "d").send().await?;
    println!("{:?}", disk.name);
    let vpcs = client.vpcs().vpc_list("org", "p").send().await?;
    println!("{}", vpcs.items.len());
    Ok(())
}
RUST
