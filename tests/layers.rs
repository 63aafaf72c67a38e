//! The app is a client of the engine: nothing under `src/app` holds a
//! store, speaks SQL or HTTP, or starts threads of its own. The dashboard
//! is a client of the server's storage door: nothing under
//! `src/dashboard` holds a connection or speaks SQL, and neither do the
//! `admin` commands. Read from the source itself, so a shortcut added
//! later fails here, not in review.

use std::path::Path;

fn sources(dir: &Path, found: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            found.push((path.display().to_string(), text));
        }
    }
}

/// Every line under `src/<dir>` naming one of `banned`, as
/// `path:line: word: text`; the folder must hold more than ten files.
fn lines_naming(dir: &str, banned: &[&str]) -> Vec<String> {
    let mut files = Vec::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir),
        &mut files,
    );
    assert!(files.len() > 10, "src/{dir} is where it was");
    let mut found = Vec::new();
    for (path, text) in &files {
        for (n, line) in text.lines().enumerate() {
            for word in banned {
                if line.contains(word) {
                    found.push(format!("{path}:{}: {word}: {}", n + 1, line.trim()));
                }
            }
        }
    }
    found
}

#[test]
fn the_app_reaches_the_phone_only_through_the_engine() {
    let found = lines_naming(
        "app",
        &[
            "rusqlite",
            "reqwest",
            "Store::",
            "device::Store",
            "device::sync",
            "device::Client",
            "std::thread::spawn",
            "thread::Builder",
            "SELECT ",
            "INSERT ",
        ],
    );
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_dashboard_reaches_the_servers_data_only_through_its_storage_door() {
    let found = lines_naming(
        "dashboard",
        &[
            "rusqlite",
            "Connection",
            "server::db",
            "db::catalog",
            ".call(",
            "SELECT ",
            "INSERT ",
            "UPDATE ",
            "DELETE ",
        ],
    );
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_admin_commands_reach_the_servers_data_only_through_its_storage_door() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    for file in [
        "server/admin.rs",
        "cli/admin.rs",
        "cli/purge.rs",
        "cli/supervisor.rs",
        "cli/report.rs",
        "cli/simulate.rs",
        "cli/serve.rs",
        "cli/serve_host.rs",
        "cli/host_admin.rs",
        "cli/regional.rs",
        "dashboard/host.rs",
    ] {
        let text = std::fs::read_to_string(root.join(file)).expect(file);
        for (n, line) in text.lines().enumerate() {
            for word in [
                "rusqlite",
                "Connection::",
                "db::open",
                "open_parts",
                "SELECT ",
                "INSERT ",
                "UPDATE ",
                "DELETE ",
            ] {
                if line.contains(word) {
                    found.push(format!("{file}:{}: {word}: {}", n + 1, line.trim()));
                }
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
