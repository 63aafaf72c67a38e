//! The `tournee` binary: everything lives in the library's `cli` module.

fn main() -> std::process::ExitCode {
    tournee::cli::main()
}
