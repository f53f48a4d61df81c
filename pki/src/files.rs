//! Writing PKI files safely: everything of one step is staged next to its destination and
//! renamed into place only when all of it was written, so a failure leaves no half-written
//! set; keys are created with mode 0600 from the first byte.

use std::fs;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// Mode of certificates: world-readable, as upstream.
pub const CERT_MODE: u32 = 0o644;
/// Mode of private keys, public keys and kubeconfigs: owner only, as upstream.
pub const SECRET_MODE: u32 = 0o600;

/// Reads a file that may legitimately be absent.
pub fn read_optional(path: &Path) -> Result<Option<String>> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io("read", path)(e)),
    }
}

/// Creates `dir` (and parents) if needed and proves a file can be created in it.
pub fn ensure_writable_dir(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).map_err(Error::io("create directory", dir))?;
    let probe = dir.join(format!(".ferrokube-write-probe-{}", std::process::id()));
    fs::File::create(&probe).map_err(Error::io("write into directory", dir))?;
    fs::remove_file(&probe).map_err(Error::io("remove probe file", &probe))
}

/// Files written under temporary names, renamed into place together by [`Staged::commit`].
/// Dropping an uncommitted batch removes its temporary files.
#[derive(Debug, Default)]
pub struct Staged {
    pending: Vec<(PathBuf, PathBuf)>,
}

impl Staged {
    /// An empty batch.
    pub fn new() -> Self {
        Self::default()
    }

    /// Writes `contents` to a temporary file beside `path`, created with `mode`.
    pub fn write(&mut self, path: &Path, contents: &[u8], mode: u32) -> Result<()> {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let temp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
        // A leftover of an interrupted run is removed; create_new then refuses to follow a
        // symlink planted in its place.
        match fs::remove_file(&temp) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(Error::io("remove stale", &temp)(e)),
            _ => {}
        }
        let mut file = fs::OpenOptions::new().write(true).create_new(true).mode(mode).open(&temp).map_err(Error::io("create", path))?;
        self.pending.push((temp.clone(), path.to_owned()));
        file.set_permissions(fs::Permissions::from_mode(mode)).map_err(Error::io("set permissions of", path))?;
        file.write_all(contents).map_err(Error::io("write", path))?;
        file.sync_all().map_err(Error::io("sync", path))
    }

    /// Renames every staged file into place; on a failure the files not yet renamed are
    /// removed when the batch is dropped.
    pub fn commit(mut self) -> Result<()> {
        while !self.pending.is_empty() {
            let (temp, path) = &self.pending[0];
            fs::rename(temp, path).map_err(Error::io("rename into place", path))?;
            self.pending.remove(0);
        }
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        for (temp, _) in &self.pending {
            let _ = fs::remove_file(temp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_lands_until_commit() -> Result<()> {
        let dir = tempfile::tempdir().map_err(Error::io("create temp dir", "/tmp"))?;
        let (a, b) = (dir.path().join("a.key"), dir.path().join("b.crt"));
        let mut staged = Staged::new();
        staged.write(&a, b"secret", SECRET_MODE)?;
        staged.write(&b, b"public", CERT_MODE)?;
        assert!(!a.exists() && !b.exists());
        staged.commit()?;
        assert_eq!(fs::read(&a).ok().as_deref(), Some(&b"secret"[..]));
        let mode = fs::metadata(&a).map(|m| m.permissions().mode() & 0o777).ok();
        assert_eq!(mode, Some(0o600));
        Ok(())
    }

    #[test]
    fn dropped_batch_leaves_no_files() -> Result<()> {
        let dir = tempfile::tempdir().map_err(Error::io("create temp dir", "/tmp"))?;
        {
            let mut staged = Staged::new();
            staged.write(&dir.path().join("x"), b"1", CERT_MODE)?;
        }
        assert_eq!(fs::read_dir(dir.path()).map(|d| d.count()).ok(), Some(0));
        Ok(())
    }

    #[test]
    fn directory_under_a_file_is_a_clear_error() -> Result<()> {
        let dir = tempfile::tempdir().map_err(Error::io("create temp dir", "/tmp"))?;
        let file = dir.path().join("file");
        fs::write(&file, "x").map_err(Error::io("write", &file))?;
        let err = ensure_writable_dir(&file.join("pki")).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.starts_with("failed to create directory"), "{err}");
        Ok(())
    }
}
