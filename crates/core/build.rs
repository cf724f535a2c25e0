// `sqlx::migrate!` embeds the migrations when the crate compiles; on stable Rust it cannot
// tell Cargo to compile again when one is added, so this does.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
