//! The `tournee` binary: everything lives in the library's `cli` module,
//! except on a phone, where the binary is the worker app itself.

#![forbid(unsafe_code)]

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    #[cfg(all(feature = "mobile", any(target_os = "android", target_os = "ios")))]
    {
        let home = tournee::app::native::phone_home();
        tournee::app::native::launch(tournee::app::Phone::new(&home));
        return std::process::ExitCode::SUCCESS;
    }
    #[allow(unreachable_code)]
    tournee::cli::main()
}

// In a browser the engine is a library driven by the page's worker: there
// is no command line to run.
#[cfg(target_arch = "wasm32")]
fn main() {}
