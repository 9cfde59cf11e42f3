//! A secret outside the workspace, for the tests of what context may be read: a
//! temporary directory of its own (beside the test's, never inside it) holding
//! `config.json` with a sentinel, and the links a hostile workspace would plant to reach
//! it.

use std::path::{Component, Path, PathBuf};

use super::FakeServer;

/// What `config.json` outside the workspace holds: it must never reach a provider.
pub const SENTINEL: &str = "SENTINEL-OUTSIDE-THE-WORKSPACE-5f2c91";

/// The directory holding the secret; removed when dropped.
pub struct Outside {
    dir: tempfile::TempDir,
}

impl Default for Outside {
    fn default() -> Self {
        Outside::new()
    }
}

impl Outside {
    pub fn new() -> Outside {
        let dir = tempfile::tempdir().expect("a temp dir");
        std::fs::write(dir.path().join("config.json"), format!("{{\"auth\": \"{SENTINEL}\"}}\n")).unwrap();
        Outside { dir }
    }

    /// The directory, resolved.
    pub fn dir(&self) -> PathBuf {
        std::fs::canonicalize(self.dir.path()).unwrap()
    }

    /// The secret file, by its absolute path.
    pub fn secret(&self) -> String {
        self.dir().join("config.json").display().to_string()
    }

    /// The secret file as `../..` steps from `from`.
    pub fn secret_from(&self, from: &Path) -> String {
        relative(&std::fs::canonicalize(from).unwrap(), &self.dir()).join("config.json").display().to_string()
    }

    /// Plants in `workspace`: `notes.md` linking to the secret, `kube` linking to its
    /// directory, and `docs/` holding `readme.md`, `config.json` linking to the secret and
    /// `k8s` linking to the directory.
    pub fn plant_links(&self, workspace: &Path) {
        let link = |target: PathBuf, at: &str| std::os::unix::fs::symlink(target, workspace.join(at)).unwrap();
        std::fs::create_dir_all(workspace.join("docs")).unwrap();
        std::fs::write(workspace.join("docs/readme.md"), "# the docs\n").unwrap();
        link(self.dir().join("config.json"), "notes.md");
        link(self.dir(), "kube");
        link(self.dir().join("config.json"), "docs/config.json");
        link(self.dir(), "docs/k8s");
    }
}

/// Fails if any request the server saw carries the sentinel; returns how many it saw.
pub fn assert_never_sent(server: &FakeServer) -> usize {
    let requests = server.requests();
    for request in &requests {
        let body = request.body.to_string();
        assert!(!body.contains(SENTINEL), "the secret outside the workspace was sent to {}: {body}", request.path);
    }
    requests.len()
}

/// The path from the directory `from` to `to`, both resolved.
fn relative(from: &Path, to: &Path) -> PathBuf {
    let (from, to): (Vec<Component>, Vec<Component>) = (from.components().collect(), to.components().collect());
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut path: PathBuf = from[common..].iter().map(|_| Component::ParentDir).collect();
    path.extend(&to[common..]);
    path
}
