// `sqlx::migrate!` embeds the store's migrations when this compiles; on stable Rust it
// cannot tell Cargo to compile again when one is added, so this does.
fn main() {
    println!("cargo:rerun-if-changed=../core/migrations");
}
