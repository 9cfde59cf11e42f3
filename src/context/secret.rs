//! Which file names commonly hold secrets, so that they are never sent as context
//! (docs/context.md): environment files, private keys and certificates, key stores, and
//! the credential files of common tools. The test is on the file's name alone, case
//! folded: it must be cheap enough to run on every file of a walk, and a false positive
//! (a `.env.example`, a public `id_rsa.pub`) costs a skipped file, while a false negative
//! costs a leaked key.
//!
//! The same list becomes `git diff`'s exclusions (`diff.rs`), so a secret file's changes do
//! not leak through `--diff` either.
//!
//! Knows nothing about walking, reading or what happens to a secret file.

/// Names that are secret whole (compared case-insensitively).
const EXACT: &[&str] = &[
    ".netrc",
    "_netrc",
    ".pgpass",
    ".git-credentials",
    ".npmrc",
    ".pypirc",
    ".htpasswd",
    "credentials",
    "credentials.json",
    "credentials.toml",
    "credentials.yaml",
    "credentials.yml",
];

/// Name prefixes: `.env`, `.env.local`, `.envrc`; SSH private keys and their siblings.
const PREFIXES: &[&str] = &[".env", "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"];

/// Name suffixes: PEM certificates and keys, PKCS#12 and Java key stores.
const SUFFIXES: &[&str] = &[".pem", ".key", ".p12", ".pfx", ".jks", ".keystore"];

/// Whether a file called `name` (its last path component) may hold a secret.
pub fn is_secret_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    EXACT.contains(&name.as_str())
        || PREFIXES.iter().any(|p| name.starts_with(p))
        || SUFFIXES.iter().any(|s| name.len() > s.len() && name.ends_with(s))
}

/// Whether the file at `path` may hold a secret, by its last component.
pub fn is_secret_path(path: &std::path::Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(is_secret_name)
}

/// The list as `git diff` pathspecs that exclude every such file anywhere in the tree
/// (`top`: from the repository's root whatever the working directory; `icase`: as the
/// name test folds case).
pub fn git_exclusions() -> Vec<String> {
    let spec = |glob: String| format!(":(top,exclude,glob,icase){glob}");
    EXACT
        .iter()
        .map(|n| spec(format!("**/{n}")))
        .chain(PREFIXES.iter().map(|p| spec(format!("**/{p}*"))))
        .chain(SUFFIXES.iter().map(|s| spec(format!("**/*{s}"))))
        .collect()
}

/// What to say when a secret file is named explicitly.
pub const HINT: &str = "files that commonly hold secrets (.env*, *.pem, *.key, id_rsa*, *.p12, .netrc, credentials \
                        files) are never sent; copy what the panel needs into another file, without the secrets";

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn secret_names_are_caught_and_ordinary_ones_are_not() {
        let secret = [
            ".env",
            ".env.local",
            ".ENV.production",
            ".envrc",
            "server.pem",
            "tls.KEY",
            "id_rsa",
            "id_rsa.pub",
            "id_ed25519",
            "cert.p12",
            "cert.pfx",
            ".netrc",
            "credentials",
            "credentials.json",
            ".git-credentials",
            ".npmrc",
        ];
        let ordinary =
            ["env.rs", "environment.md", "main.rs", "key.rs", ".key", "keys.txt", "README.md", "pem", "my.env.rs"];
        let caught: Vec<&str> = secret.iter().copied().filter(|n| !is_secret_name(n)).collect();
        assert_eq!(caught, Vec::<&str>::new(), "secret names missed");
        let wrongly: Vec<&str> = ordinary.iter().copied().filter(|n| is_secret_name(n)).collect();
        assert_eq!(wrongly, Vec::<&str>::new(), "ordinary names caught");
    }

    #[test]
    fn the_git_exclusions_cover_every_pattern_from_the_top_of_the_tree() {
        let specs = git_exclusions();
        assert_eq!(specs.len(), EXACT.len() + PREFIXES.len() + SUFFIXES.len());
        assert!(specs.contains(&":(top,exclude,glob,icase)**/.env*".to_string()), "{specs:?}");
        assert!(specs.contains(&":(top,exclude,glob,icase)**/*.pem".to_string()), "{specs:?}");
        assert!(specs.contains(&":(top,exclude,glob,icase)**/.netrc".to_string()), "{specs:?}");
    }
}
