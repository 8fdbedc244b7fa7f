//! A tour of the whole API: calls each of the 35 operations once and prints one line per
//! call, `ok   <operationId>` or `FAIL <operationId>: <error>`. Exits non-zero if any call
//! failed.
//!
//! Meant for a mock server such as Prism, which validates each request against
//! `spec/openapi.yaml` and answers with the spec's examples:
//!
//! ```sh
//! prism mock spec/openapi.yaml &            # listens on http://127.0.0.1:4010
//! PROLINKSQR_BASE_URL=http://127.0.0.1:4010 cargo run -p prolinksqr --example tour
//! ```
//!
//! `PROLINKSQR_BASE_URL` is required, so that the tour never creates and deletes things on
//! the real API by accident. The key comes from `PROLINKSQR_API_KEY`; when that is unset a
//! dummy `key-...` value is used (a mock accepts any key of the right shape).

use std::future::Future;
use std::process::ExitCode;

use prolinksqr::types::{
    BulkGenerateRequest, BulkWebsiteRequest, CreateCafeRequest, CreateLinkRequest, DotType,
    DotsOptions, ErrorCorrectionLevel, FolderRequest, LinkConfigurations, ListLinksSortBy,
    PatchLinkQrOptionsRequest, QrEncodingOptions, QrOptions, TemplateRequest, UpdateCafeRequest,
    UpdateCafeThemeRequest, UpdateLinkRequest, WebsiteRecord,
};
use prolinksqr::{Client, FilePart};
use serde_json::{Map, Value, json};

const DUMMY_KEY: &str = "key-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";

/// A complete 1×1 PNG, small enough to inline, valid enough for any image check.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

// Ids of the resources the tour works on; a mock accepts any.
const LINK: &str = "summer-sale";
const FOLDER: &str = "0c8f...e21";
const TEMPLATE: &str = "template-1";
const CAFE: &str = "cafe-1";
const GROUP: &str = "group-1";

#[tokio::main]
async fn main() -> ExitCode {
    let client = match client() {
        Ok(client) => client,
        Err(message) => {
            eprintln!("tour: {message}");
            return ExitCode::from(2);
        }
    };
    println!("touring {}", client.base_url());
    let mut tour = Tour::default();
    links(&client, &mut tour).await;
    folders(&client, &mut tour).await;
    templates(&client, &mut tour).await;
    bulk(&client, &mut tour).await;
    cafes(&client, &mut tour).await;
    groups(&client, &mut tour).await;
    tour.finish()
}

/// The client from `PROLINKSQR_API_KEY` / `PROLINKSQR_BASE_URL`, refusing to run without
/// an explicit base URL.
fn client() -> Result<Client, String> {
    let base_url = std::env::var("PROLINKSQR_BASE_URL").unwrap_or_default();
    if base_url.trim().is_empty() {
        return Err("set PROLINKSQR_BASE_URL (e.g. http://127.0.0.1:4010 for `prism mock`)".into());
    }
    let built = if std::env::var_os("PROLINKSQR_API_KEY").is_some() {
        Client::from_env()
    } else {
        // No key configured: a mock server only checks that one is present.
        Client::builder()
            .credential(DUMMY_KEY)
            .base_url(base_url)
            .build()
    };
    built.map_err(|err| err.to_string())
}

/// Counts the calls and prints their outcome.
#[derive(Default)]
struct Tour {
    calls: usize,
    failures: usize,
}

impl Tour {
    async fn call<T>(
        &mut self,
        operation: &str,
        call: impl Future<Output = prolinksqr::Result<T>>,
    ) {
        self.calls += 1;
        match call.await {
            Ok(_) => println!("ok   {operation}"),
            Err(err) => {
                self.failures += 1;
                // Most errors already start with the operation id; don't print it twice.
                let text = err.to_string();
                let detail = text
                    .strip_prefix(operation)
                    .and_then(|rest| rest.strip_prefix(": "))
                    .unwrap_or(&text);
                println!("FAIL {operation}: {detail}");
            }
        }
    }

    fn finish(self) -> ExitCode {
        println!(
            "{} of {} calls succeeded",
            self.calls - self.failures,
            self.calls
        );
        if self.failures == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    }
}

/// A JSON object literal as the map type free-form bodies use.
fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn png(file_name: &str) -> FilePart {
    FilePart::new(PNG)
        .file_name(file_name)
        .content_type("image/png")
}

async fn links(client: &Client, tour: &mut Tour) {
    let links = client.links();
    tour.call(
        "listLinks",
        links
            .list()
            .page(1)
            .size(20)
            .search("summer")
            .set_qr_type(["website", "vcard"])
            .only_favorites()
            .sort_by(ListLinksSortBy::MostRecent)
            .send(),
    )
    .await;
    tour.call("getLink", links.get(LINK).send()).await;
    let new_link = CreateLinkRequest::new("Summer Sale", "website")
        .with_data(object(json!({ "url": "https://example.com/sale" })))
        .with_link_configurations(LinkConfigurations::new().with_folder_id(FOLDER));
    tour.call("createLink", links.create(new_link).send()).await;
    let changes = UpdateLinkRequest::new().with_name("Summer Sale 2026");
    tour.call("updateLink", links.update(LINK, changes).send())
        .await;
    let qr = QrOptions::new()
        .with_width(300)
        .with_height(300)
        .with_dots_options(
            DotsOptions::new()
                .with_type(DotType::Rounded)
                .with_color("#112233"),
        )
        .with_qr_options(
            QrEncodingOptions::new().with_error_correction_level(ErrorCorrectionLevel::H),
        );
    tour.call(
        "patchLinkQrOptions",
        links
            .patch_qr_options(LINK, PatchLinkQrOptionsRequest::new(qr))
            .send(),
    )
    .await;
    tour.call("archiveLink", links.archive(LINK).send()).await;
    tour.call("pauseLink", links.pause(LINK).send()).await;
    tour.call("resumeLink", links.resume(LINK).send()).await;
    tour.call("duplicateLink", links.duplicate(LINK).send())
        .await;
    tour.call(
        "saveLinkAsTemplate",
        links
            .save_as_template(LINK)
            .body(object(json!({ "name": "Summer style" })))
            .send(),
    )
    .await;
    tour.call("deleteLink", links.delete(LINK).send()).await;
}

async fn folders(client: &Client, tour: &mut Tour) {
    let folders = client.folders();
    tour.call("listFolders", folders.list().send()).await;
    tour.call(
        "createFolder",
        folders.create(FolderRequest::new("Campaigns")).send(),
    )
    .await;
    tour.call("getFolder", folders.get(FOLDER).send()).await;
    tour.call(
        "updateFolder",
        folders
            .update(FOLDER, FolderRequest::new("Spring Campaigns"))
            .send(),
    )
    .await;
    tour.call("deleteFolder", folders.delete(FOLDER).send())
        .await;
}

async fn templates(client: &Client, tour: &mut Tour) {
    let templates = client.templates();
    tour.call("listTemplates", templates.list().send()).await;
    let template = TemplateRequest::new()
        .with_name("Brand")
        .with_qr_options(QrOptions::new().with_margin(8));
    tour.call("createTemplate", templates.create(template).send())
        .await;
    tour.call("getTemplate", templates.get(TEMPLATE).send())
        .await;
    tour.call(
        "updateTemplate",
        templates
            .update(TEMPLATE, TemplateRequest::new().with_name("Brand v2"))
            .send(),
    )
    .await;
    tour.call("deleteTemplate", templates.delete(TEMPLATE).send())
        .await;
}

async fn bulk(client: &Client, tour: &mut Tour) {
    let records = BulkWebsiteRequest::new(vec![
        WebsiteRecord::new("Landing A", "https://example.com/a"),
        WebsiteRecord::new("Landing B", "https://example.com/b"),
    ])
    .with_folder_id(FOLDER);
    tour.call(
        "bulkGenerate",
        client
            .bulk()
            .generate(BulkGenerateRequest::from(records))
            .send(),
    )
    .await;
}

async fn cafes(client: &Client, tour: &mut Tour) {
    let cafes = client.cafes();
    tour.call("listCafes", cafes.list().send()).await;
    let cafe =
        CreateCafeRequest::new("Downtown Cafe").with_description("Specialty coffee & brunch");
    tour.call("createCafe", cafes.create(cafe).send()).await;
    tour.call("getCafe", cafes.get(CAFE).send()).await;
    tour.call(
        "updateCafe",
        cafes
            .update(CAFE, UpdateCafeRequest::new().with_name("Uptown Cafe"))
            .send(),
    )
    .await;
    tour.call(
        "updateCafeProfile",
        cafes
            .update_profile(CAFE)
            .logo(png("logo.png"))
            .cover(png("cover.png"))
            .send(),
    )
    .await;
    let theme = UpdateCafeThemeRequest::new("modern")
        .with_primary_color("#6F4E37")
        .with_show_dietary_section(true);
    tour.call("updateCafeTheme", cafes.update_theme(CAFE, theme).send())
        .await;
    tour.call("deleteCafe", cafes.delete(CAFE).send()).await;
}

async fn groups(client: &Client, tour: &mut Tour) {
    let groups = client.groups();
    tour.call("listGroups", groups.list(CAFE).send()).await;
    tour.call(
        "createGroup",
        groups
            .create(CAFE, "Breakfast")
            .visible(true)
            .image(png("breakfast.png"))
            .send(),
    )
    .await;
    tour.call(
        "reorderGroups",
        groups
            .reorder(CAFE, object(json!({ "groupIds": [GROUP, "group-2"] })))
            .send(),
    )
    .await;
    tour.call("getGroup", groups.get(CAFE, GROUP).send()).await;
    tour.call(
        "updateGroup",
        groups
            .update(CAFE, GROUP)
            .name("Lunch")
            .visible(false)
            .image(png("lunch.png"))
            .send(),
    )
    .await;
    tour.call("deleteGroup", groups.delete(CAFE, GROUP).send())
        .await;
}
