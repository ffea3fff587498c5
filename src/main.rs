use std::process::ExitCode;

fn main() -> ExitCode {
    iktag::cli::main()
}
