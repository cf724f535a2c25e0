//! A real archive for tests: the bundled issues plus the Substack export of issue 320.

use importai_bot::store::Store;

const SUBSTACK_320: &str = include_str!("../fixtures/import-ai-320.substack.md");

/// A store in `dir` filled from the bundled archive on open, with issue 320 ingested too.
pub async fn with_substack_320(dir: &tempfile::TempDir) -> Store {
    let url = format!("sqlite://{}", dir.path().join("archive.db").display());
    let store = Store::open(&url).await.expect("open store");
    let issues = importai_bot::archive::parse("import-ai-320.substack.md", SUBSTACK_320.as_bytes())
        .expect("the Substack export parses");
    store.ingest_source(&issues).await.expect("ingest 320");
    store
}
