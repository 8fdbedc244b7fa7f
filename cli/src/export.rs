//! `prolinksqr links export`: every link, page after page, as CSV (or JSON, or a table).

use std::io::Write;

use futures::StreamExt;
use prolinksqr::Client;
use prolinksqr::types::Link;

use crate::Error;

/// The formats `links export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One header line, then one line per link.
    Csv,
    /// One JSON array of the links as the API sends them.
    Json,
    /// Aligned columns for reading.
    Table,
}

/// The largest page the API serves: the fewest requests for the whole list.
const PAGE_SIZE: i64 = 1000;

const COLUMNS: [&str; 7] = [
    "id",
    "name",
    "type",
    "url",
    "folder_id",
    "created_at",
    "updated_at",
];

fn columns(link: &Link) -> [String; 7] {
    [
        link.dynamic_link_id.clone(),
        link.name.clone(),
        link.type_.to_string(),
        link.full_dynamic_url.clone(),
        link.folder_id.clone().unwrap_or_default(),
        link.created_at.clone().unwrap_or_default(),
        link.updated_at.clone().unwrap_or_default(),
    ]
}

/// Writes every link of the account to `out`, fetching one page of 1000 at a time
/// (CSV and JSON are written as pages arrive; a table waits for the last page to align
/// its columns). `folder` keeps only the links of that folder id.
pub async fn run(
    client: &Client,
    format: Format,
    folder: Option<&str>,
    out: &mut (dyn Write + Send),
) -> Result<usize, Error> {
    let mut list = client.links().list().size(PAGE_SIZE);
    if let Some(folder) = folder {
        list = list.folder(folder);
    }
    let mut links = list.stream();
    let mut count = 0;
    match format {
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(&mut *out);
            writer.write_record(COLUMNS).map_err(csv_error)?;
            while let Some(link) = links.next().await {
                writer.write_record(columns(&link?)).map_err(csv_error)?;
                count += 1;
            }
            writer.flush()?;
        }
        Format::Json => {
            out.write_all(b"[")?;
            while let Some(link) = links.next().await {
                let link = link?;
                out.write_all(if count == 0 { b"\n  " } else { b",\n  " })?;
                serde_json::to_writer(&mut *out, &link)
                    .map_err(|e| Error::Io(format!("cannot write a link: {e}")))?;
                count += 1;
            }
            out.write_all(if count == 0 { b"]\n" } else { b"\n]\n" })?;
        }
        Format::Table => {
            let mut rows = vec![COLUMNS.map(str::to_owned)];
            while let Some(link) = links.next().await {
                rows.push(columns(&link?));
                count += 1;
            }
            let widths: Vec<usize> = (0..COLUMNS.len())
                .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
                .collect();
            for row in &rows {
                let line: Vec<String> = row
                    .iter()
                    .zip(&widths)
                    .map(|(cell, &width)| format!("{cell:width$}"))
                    .collect();
                writeln!(out, "{}", line.join("  ").trim_end())?;
            }
        }
    }
    out.flush()?;
    Ok(count)
}

fn csv_error(error: csv::Error) -> Error {
    Error::Io(format!("cannot write CSV: {error}"))
}
