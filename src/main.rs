//! The `tournee` binary: everything lives in the library's `cli` module,
//! except on a phone, where the binary is the worker app itself.

#![forbid(unsafe_code)]

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
