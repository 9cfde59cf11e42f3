//! placeholder
pub fn dispatch(_cli: crate::cli::Cli, _env: &crate::Env) -> crate::error::Result<i32> { Ok(0) }
