//! The `frontier` binary: hands its arguments and environment to the library and
//! turns the result into an exit code. Nothing else lives here.

fn main() {
    let code = frontier::run(std::env::args_os(), frontier::Env::capture());
    std::process::exit(code);
}
