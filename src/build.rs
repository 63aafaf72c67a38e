//! Builds the offline web app that `tournee serve` hands to phones
//! (README "The web app"): the crate's library for `wasm32-unknown-unknown`
//! with the `web` feature, its JavaScript glue by wasm-bindgen (as a
//! library, the very version the crate links), then the page, the worker
//! script, the service worker and the manifest, all embedded in the
//! binary through `$OUT_DIR/web_app.rs`.
//!
//! It runs for native builds with the `web-app` feature (default). Where
//! the web toolchain is missing (the wasm32 target, clang, llvm-ar) the
//! binary carries no web app and says why, so a machine with only Rust
//! and a C compiler still builds; `TOURNEE_WEB_BUILD=required` (CI) turns
//! that into a failure, `TOURNEE_WEB_BUILD=off` skips the build on
//! purpose. Where the toolchain is there, a failing web build fails the
//! whole build: nothing hides it.

use std::env;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=src/build.rs");
    println!("cargo:rerun-if-env-changed=TOURNEE_WEB_BUILD");
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let native = env::var("CARGO_CFG_TARGET_ARCH").as_deref() != Ok("wasm32");
    let wanted = env::var_os("CARGO_FEATURE_WEB_APP").is_some() && native;
    let outcome = if wanted {
        web_app(&out)
    } else {
        Err("this build has no web app (feature `web-app` off)".to_string())
    };
    let mode = env::var("TOURNEE_WEB_BUILD").unwrap_or_default();
    if let Err(why) = &outcome
        && wanted
    {
        if mode == "required" {
            panic!("TOURNEE_WEB_BUILD=required, but the web app cannot be built: {why}");
        }
        println!("cargo:warning=the offline web app is not built: {why}");
    }
    write_index(&out, &outcome);
}

/// The files of a built web app: (path under /app/, file on disk).
type Files = Vec<(String, PathBuf)>;

fn web_app(out: &Path) -> Result<Files, String> {
    if env::var("TOURNEE_WEB_BUILD").as_deref() == Ok("off") {
        return Err("TOURNEE_WEB_BUILD=off".into());
    }
    toolchain()?;
    let wasm = compile(out)?;
    bindgen::generate(&wasm, out)
}

const TARGET: &str = "wasm32-unknown-unknown";

/// The C compiler and archiver the wasm32 build uses, overridable the
/// way the `cc` crate reads them.
fn c_tools() -> (String, String) {
    let cc = env::var("CC_wasm32_unknown_unknown").unwrap_or_else(|_| "clang".into());
    let ar = env::var("AR_wasm32_unknown_unknown").unwrap_or_else(|_| "llvm-ar".into());
    (cc, ar)
}

fn runs(program: &str, arg: &str) -> bool {
    Command::new(program)
        .arg(arg)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// What the wasm32 build needs, each missing part named with its fix.
fn toolchain() -> Result<(), String> {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let sysroot = Command::new(&rustc)
        .args(["--print", "sysroot"])
        .output()
        .map_err(|e| format!("cannot run {rustc}: {e}"))?;
    let sysroot = PathBuf::from(String::from_utf8_lossy(&sysroot.stdout).trim());
    let mut missing = Vec::new();
    if !sysroot
        .join("lib/rustlib")
        .join(TARGET)
        .join("lib")
        .is_dir()
    {
        missing.push(format!("the {TARGET} target (rustup target add {TARGET})"));
    }
    let (cc, ar) = c_tools();
    if !runs(&cc, "--version") {
        missing.push(format!("{cc} (Debian: apt install clang)"));
    }
    if !runs(&ar, "--version") {
        missing.push(format!("{ar} (Debian: apt install llvm)"));
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("missing {}", missing.join(", ")))
    }
}

/// Where the nested build keeps its own target directory: beside the
/// outer one's profile folders, so `cargo clean` removes it too.
fn web_target_dir(out: &Path) -> PathBuf {
    let build = out
        .ancestors()
        .find(|dir| dir.file_name().is_some_and(|name| name == "build"))
        .and_then(Path::parent)
        .and_then(Path::parent)
        .unwrap_or(out);
    build.join("web")
}

/// `cargo rustc` of this crate's library as a cdylib for wasm32.
fn compile(out: &Path) -> Result<PathBuf, String> {
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    for watched in ["src", "assets", "Cargo.toml", "Cargo.lock"] {
        println!(
            "cargo:rerun-if-changed={}",
            manifest.join(watched).display()
        );
    }
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let target_dir = web_target_dir(out);
    let (cc, ar) = c_tools();
    let mut command = Command::new(&cargo);
    command
        .current_dir(&manifest)
        .args([
            "rustc",
            "--lib",
            "--crate-type",
            "cdylib",
            "--target",
            TARGET,
        ])
        .args([
            "--profile",
            "web",
            "--no-default-features",
            "--features",
            "web",
        ])
        .arg("--manifest-path")
        .arg(manifest.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target_dir)
        .env("CC_wasm32_unknown_unknown", cc)
        .env("AR_wasm32_unknown_unknown", ar);
    // The outer build's settings are for the host (and for clippy's
    // lints under `cargo clippy`): none of them applies to the wasm.
    for variable in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_BUILD_RUSTFLAGS",
        "RUSTC_WRAPPER",
        "RUSTC_WORKSPACE_WRAPPER",
        "CLIPPY_ARGS",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET",
    ] {
        command.env_remove(variable);
    }
    let status = command
        .status()
        .map_err(|e| format!("cannot run {cargo}: {e}"))?;
    if !status.success() {
        // The toolchain is there, so this is a real failure of the code:
        // never served as "not built".
        panic!("the web app's wasm32 build failed ({status}); see the errors above");
    }
    let wasm = target_dir.join(TARGET).join("web").join("tournee.wasm");
    if !wasm.is_file() {
        panic!("the wasm32 build left no {}", wasm.display());
    }
    Ok(wasm)
}

/// `$OUT_DIR/web_app.rs`: the files to serve, or why there are none.
fn write_index(out: &Path, outcome: &Result<Files, String>) {
    let mut code = String::new();
    match outcome {
        Ok(files) => {
            code.push_str("/// The web app's files, by path under `/app/`.\n");
            code.push_str("pub static FILES: &[(&str, &[u8])] = &[\n");
            for (path, file) in files {
                let _ = writeln!(
                    code,
                    "    ({path:?}, include_bytes!({:?})),",
                    file.display().to_string()
                );
            }
            code.push_str("];\n/// Why there is no web app: there is one.\npub static NOT_BUILT: Option<&str> = None;\n");
        }
        Err(why) => {
            code.push_str(
                "/// No web app in this build.\npub static FILES: &[(&str, &[u8])] = &[];\n",
            );
            let _ = writeln!(
                code,
                "/// Why there is no web app.\npub static NOT_BUILT: Option<&str> = Some({why:?});"
            );
        }
    }
    std::fs::write(out.join("web_app.rs"), code).expect("OUT_DIR is writable");
}

#[cfg(feature = "web-app")]
mod bindgen {
    //! wasm-bindgen's glue, then the files around it.
    use super::Files;
    use std::hash::{DefaultHasher, Hasher};
    use std::path::{Path, PathBuf};

    /// What `assets/web` holds: the page, its scripts, the service worker
    /// and the manifest.
    const PAGE_FILES: [&str; 5] = [
        "index.html",
        "start.js",
        "worker.js",
        "sw.js",
        "manifest.webmanifest",
    ];

    pub fn generate(wasm: &Path, out: &Path) -> Result<Files, String> {
        let glue = out.join("bindgen");
        let _ = std::fs::remove_dir_all(&glue);
        let mut bindgen = wasm_bindgen_cli_support::Bindgen::new();
        bindgen
            .input_path(wasm)
            .out_name("tournee")
            .typescript(false)
            .web(true)
            .map_err(|e| format!("wasm-bindgen: {e}"))?;
        bindgen
            .generate(&glue)
            .map_err(|e| format!("wasm-bindgen: {e:#}"))?;
        let mut built = Vec::new();
        collect(&glue, &glue, &mut built).map_err(|e| e.to_string())?;
        built.sort();
        // Every file of one build goes under a folder named by the
        // build's content: cached for good, and a new build a new name.
        let mut hasher = DefaultHasher::new();
        for (path, file) in &built {
            hasher.write(path.as_bytes());
            hasher.write(&std::fs::read(file).map_err(|e| e.to_string())?);
        }
        let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap());
        let page_dir = manifest_dir.join("assets/web");
        for part in PAGE_FILES {
            hasher.write(&std::fs::read(page_dir.join(part)).map_err(|e| e.to_string())?);
        }
        let version = format!("{:016x}", hasher.finish());
        let site = out.join("site");
        let _ = std::fs::remove_dir_all(&site);
        let build_dir = format!("b/{version}");
        let mut files: Files = Vec::new();
        let copy = |files: &mut Files, path: String, bytes: Vec<u8>| -> Result<(), String> {
            let file = site.join(&path);
            std::fs::create_dir_all(file.parent().unwrap()).map_err(|e| e.to_string())?;
            std::fs::write(&file, bytes).map_err(|e| e.to_string())?;
            files.push((path, file));
            Ok(())
        };
        for (path, file) in &built {
            copy(
                &mut files,
                format!("{build_dir}/{path}"),
                std::fs::read(file).map_err(|e| e.to_string())?,
            )?;
        }
        let read = |name: &str| std::fs::read_to_string(page_dir.join(name)).unwrap();
        for script in ["start.js", "worker.js"] {
            copy(
                &mut files,
                format!("{build_dir}/{script}"),
                read(script).into_bytes(),
            )?;
        }
        for icon in ["icon-192.png", "icon-512.png", "tournee.svg"] {
            let bytes = std::fs::read(manifest_dir.join("assets").join(icon))
                .map_err(|e| format!("assets/{icon}: {e}"))?;
            copy(&mut files, icon.to_string(), bytes)?;
        }
        copy(
            &mut files,
            "manifest.webmanifest".into(),
            read("manifest.webmanifest").into_bytes(),
        )?;
        copy(
            &mut files,
            "index.html".into(),
            read("index.html")
                .replace("{build}", &build_dir)
                .into_bytes(),
        )?;
        // The service worker precaches every file of this build.
        let mut precache: Vec<String> = files
            .iter()
            .map(|(path, _)| format!("\"./{path}\""))
            .collect();
        precache.push("\"./\"".into());
        copy(
            &mut files,
            "sw.js".into(),
            read("sw.js")
                .replace("{version}", &version)
                .replace("\"{files}\"", &precache.join(", "))
                .into_bytes(),
        )?;
        Ok(files)
    }

    fn collect(root: &Path, dir: &Path, into: &mut Vec<(String, PathBuf)>) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                collect(root, &path, into)?;
            } else {
                let relative = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                into.push((relative, path));
            }
        }
        Ok(())
    }
}

#[cfg(not(feature = "web-app"))]
mod bindgen {
    pub fn generate(_: &std::path::Path, _: &std::path::Path) -> Result<super::Files, String> {
        unreachable!("only built with the web-app feature")
    }
}
