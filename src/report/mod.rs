//! Output files: the only module that knows JSON and HTML. See [`json`] for the
//! `clusters.json` schema, [`html`] for the overlap report (`overlap.html` and `overlap/`),
//! [`eval`] for `eval.json`, [`manifest`] for `manifest.json`, [`terminal`] for what the
//! commands print.
//!
//! Every file is written atomically: into a temporary file in the destination directory, synced,
//! then renamed over the final name. A run killed at any moment leaves either the previous file
//! or the complete new one, never a partial file under the final name.

pub mod clusters_csv;
pub mod compare;
pub mod eval;
pub mod html;
pub mod json;
pub mod manifest;
pub mod offsets;
pub mod overlaps;
pub mod params;
pub mod svg;
pub mod terminal;

pub use json::{ClusterReport, SCHEMA_VERSION};

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically (temporary file in the same directory, fsync, rename).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = AtomicFile::create(path)?;
    f.write_all(bytes)?;
    f.commit()
}

/// A file written under a temporary name in its destination directory and renamed over the
/// final name by [`AtomicFile::commit`]. Dropped without commit (an error, a panic), the
/// temporary file is removed; killed, it leaves only a hidden `.NAME.*.tmp` file, never a
/// partial file under the final name.
pub struct AtomicFile {
    tmp: io::BufWriter<tempfile::NamedTempFile>,
    path: std::path::PathBuf,
}

impl AtomicFile {
    /// Starts writing `path`.
    pub fn create(path: &Path) -> io::Result<AtomicFile> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let tmp = tempfile::Builder::new().prefix(&format!(".{name}.")).suffix(".tmp").tempfile_in(dir)?;
        Ok(AtomicFile { tmp: io::BufWriter::with_capacity(1 << 16, tmp), path: path.to_path_buf() })
    }

    /// Whether `name` is the temporary name [`AtomicFile::create`] gives a file named `final_name`.
    pub fn is_temp_of(name: &str, final_name: &str) -> bool {
        name.ends_with(".tmp") && name.starts_with(&format!(".{final_name}."))
    }

    /// Flushes, syncs and closes the file under its temporary name, for [`OutputDir::commit`].
    pub fn stage(self) -> io::Result<Staged> {
        let path = self.path.clone();
        let tmp = self.finish()?;
        let bytes = tmp.as_file().metadata()?.len();
        Ok(Staged { tmp: Temp::File(tmp.into_temp_path()), path, bytes })
    }

    /// Flushes, syncs and renames the file to its final name.
    pub fn commit(self) -> io::Result<()> {
        let path = self.path.clone();
        self.finish()?.persist(&path).map_err(|e| e.error)?;
        Ok(())
    }

    fn finish(self) -> io::Result<tempfile::NamedTempFile> {
        let tmp = self.tmp.into_inner().map_err(|e| e.into_error())?;
        // Temporary files are private (0600); an output is an ordinary file. Keep the mode of
        // the file being replaced, else use 0644.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode =
                std::fs::metadata(&self.path).map(|m| m.permissions().mode() & 0o7777).unwrap_or(0o644);
            tmp.as_file().set_permissions(std::fs::Permissions::from_mode(mode))?;
        }
        tmp.as_file().sync_all()?;
        Ok(tmp)
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.tmp.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.tmp.flush()
    }
}

/// What `reprint cluster` writes into `--out`.
pub const CLUSTER_OUTPUTS: &[&str] =
    &["overlaps.jsonl", "clusters.json", "clusters.csv", "overlap", "overlap.html", "manifest.json"];
/// What `reprint dedup` writes into `--out` (the clean corpus in the form of its inputs).
pub const DEDUP_OUTPUTS: &[&str] = &[
    "kept.jsonl",
    "kept.jsonl.gz",
    "annotated.jsonl",
    "annotated.jsonl.gz",
    "kept.csv",
    "kept.csv.gz",
    "annotated.csv",
    "annotated.csv.gz",
    "kept.tsv",
    "kept.tsv.gz",
    "annotated.tsv",
    "annotated.tsv.gz",
    "kept.json",
    "kept.json.gz",
    "annotated.json",
    "annotated.json.gz",
    "kept.parquet",
    "annotated.parquet",
    "kept.txt",
    "removed.jsonl",
    "manifest.json",
];
/// What `reprint eval` writes into `--out`.
pub const EVAL_OUTPUTS: &[&str] =
    &["eval.json", "eval.csv", "eval_threshold.svg", "eval_scurve.svg", "eval_jaccard_hist.svg"];

/// Names of the files reprint writes into an output directory, every command's: a run removes
/// the temporary files of any of them (and of what it writes itself) that a killed run left.
pub fn output_names() -> impl Iterator<Item = &'static str> {
    [CLUSTER_OUTPUTS, DEDUP_OUTPUTS, EVAL_OUTPUTS].into_iter().flatten().copied()
}

/// The lock file of an output directory (hidden, so directory inputs never read it).
pub const LOCK_NAME: &str = ".reprint.lock";

/// A file written in full under a temporary name, synced and closed, waiting for
/// [`OutputDir::commit`] to rename it. Dropped without commit, the temporary file is removed.
#[derive(Debug)]
pub struct Staged {
    tmp: Temp,
    path: PathBuf,
    bytes: u64,
}

/// What a [`Staged`] output is under its temporary name.
#[derive(Debug)]
enum Temp {
    File(tempfile::TempPath),
    Dir(tempfile::TempDir),
}

impl Staged {
    /// The final name.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Size in bytes.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }
}

/// Why an output directory cannot be used, or an output cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// `--out` names something that is not a directory.
    #[error("--out {}: exists and is not a directory", .0.display())]
    NotADirectory(PathBuf),
    /// The directory could not be created.
    #[error("--out {}: cannot create directory", path.display())]
    Create {
        /// The directory.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// The directory's lock file could not be opened or locked.
    #[error("--out {}: cannot lock the directory ({})", path.display(), LOCK_NAME)]
    Open {
        /// The directory.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// Another run holds the directory.
    #[error("--out {}: another reprint run is writing there (it holds {}); wait for it to finish or choose another --out", dir.display(), dir.join(LOCK_NAME).display())]
    Locked {
        /// The directory.
        dir: PathBuf,
    },
    /// An output would replace an input.
    #[error("--out {}: the output {} is also an input ({}); choose another --out", dir.display(), output.display(), input)]
    IsInput {
        /// The directory.
        dir: PathBuf,
        /// The output's path.
        output: PathBuf,
        /// The input as given.
        input: String,
    },
    /// An output's final name is taken by a directory.
    #[error("cannot write {}: a directory has that name", .0.display())]
    IsDirectory(PathBuf),
    /// An output directory's final name is taken by a file.
    #[error("cannot write {}: a file has that name (it is a directory of pages); move the file away", .0.display())]
    IsFile(PathBuf),
    /// Writing, syncing or renaming failed.
    #[error("cannot write {}", path.display())]
    Write {
        /// The output.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
}

/// The outputs of one run in one directory, written as a unit.
///
/// [`OutputDir::open`] creates the directory and takes an exclusive lock on it (`.reprint.lock`,
/// released when the process ends), so a second run on the same directory fails at once instead
/// of racing the first; only then are temporary files left by a killed run removed. Every output
/// is staged under a temporary name ([`OutputDir::stage`]); [`OutputDir::commit`] checks that
/// every final name can be taken, removes the old manifest, renames the files, and renames the
/// manifest last. A run that fails before the commit leaves the directory as it was.
#[derive(Debug)]
pub struct OutputDir {
    dir: PathBuf,
    _lock: std::fs::File,
    staged: Vec<Staged>,
}

impl OutputDir {
    /// Creates and locks `dir` for a run that writes files named `writes` there, refusing when
    /// one of them would be one of the `inputs` (paths as given on the command line).
    pub fn open(dir: &Path, writes: &[&str], inputs: &[(PathBuf, String)]) -> Result<OutputDir, OutputError> {
        if dir.exists() && !dir.is_dir() {
            return Err(OutputError::NotADirectory(dir.to_path_buf()));
        }
        let create_err = |source| OutputError::Create { path: dir.to_path_buf(), source };
        let open_err = |source| OutputError::Open { path: dir.to_path_buf(), source };
        std::fs::create_dir_all(dir).map_err(create_err)?;
        let canonical = dir.canonicalize().map_err(create_err)?;
        for (path, name) in inputs {
            let Ok(input) = path.canonicalize() else { continue };
            if let Some(w) = writes.iter().find(|w| canonical.join(w) == input) {
                return Err(OutputError::IsInput {
                    dir: dir.to_path_buf(),
                    output: dir.join(w),
                    input: name.clone(),
                });
            }
        }
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(LOCK_NAME))
            .map_err(open_err)?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(OutputError::Locked { dir: dir.to_path_buf() })
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(open_err(e)),
        }
        if let Ok(entries) = std::fs::read_dir(dir) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                let temp_of = |o: &str| AtomicFile::is_temp_of(&name, o);
                if output_names().any(temp_of) || writes.iter().any(|o| temp_of(o)) {
                    if e.file_type().is_ok_and(|t| t.is_dir()) {
                        let _ = std::fs::remove_dir_all(e.path());
                    } else {
                        let _ = std::fs::remove_file(e.path());
                    }
                }
            }
        }
        Ok(OutputDir { dir: dir.to_path_buf(), _lock: lock, staged: Vec::new() })
    }

    /// The path of output `name` in the directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Stages output `name` with content `bytes`.
    pub fn stage(&mut self, name: &str, bytes: &[u8]) -> Result<(), OutputError> {
        self.stage_with(name, |f| f.write_all(bytes))
    }

    /// Stages output `name` with what `write` writes: a large report goes to its file as it is
    /// serialized, never whole in memory.
    pub fn stage_with(
        &mut self,
        name: &str,
        write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> Result<(), OutputError> {
        let path = self.path(name);
        let err = |source| OutputError::Write { path: path.clone(), source };
        let mut f = AtomicFile::create(&path).map_err(err)?;
        write(&mut f).map_err(err)?;
        let staged = f.stage().map_err(err)?;
        self.staged.push(staged);
        Ok(())
    }

    /// Starts staging the output directory `name` (a hidden temporary directory until
    /// [`OutputDir::commit`] renames it into place, replacing the previous one whole).
    pub fn stage_dir(&self, name: &str) -> Result<DirWriter, OutputError> {
        let path = self.path(name);
        let tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".tmp")
            .tempdir_in(&self.dir)
            .map_err(|source| OutputError::Write { path: path.clone(), source })?;
        Ok(DirWriter { tmp, path, bytes: 0, written: Vec::new(), dirs: Vec::new() })
    }

    /// Makes the files a [`DirWriter`] wrote durable and adds the directory to the unit. On
    /// Linux one `syncfs` of the filesystem holding them does it (thousands of small files
    /// synced one by one cost a disk flush each). Elsewhere, or when `syncfs` fails, each file
    /// and directory is synced (many at a time).
    pub fn adopt_dir(&mut self, dir: DirWriter) -> Result<(), OutputError> {
        if !sync_filesystem(dir.tmp.path()) {
            sync_each(&dir.written, &dir.dirs)?;
        }
        self.staged.push(Staged { tmp: Temp::Dir(dir.tmp), path: dir.path, bytes: dir.bytes });
        Ok(())
    }

    /// Adds files staged elsewhere (dedup's outputs and copies) to the unit.
    pub fn adopt(&mut self, staged: Vec<Staged>) {
        self.staged.extend(staged);
    }

    /// The files staged so far, with their final names and sizes.
    pub fn staged(&self) -> Vec<(PathBuf, u64)> {
        self.staged.iter().map(|s| (s.path.clone(), s.bytes)).collect()
    }

    /// Renames every staged file to its final name, the manifest (`manifest.json`) last, and
    /// returns the final names in the order staged.
    pub fn commit(self) -> Result<Vec<PathBuf>, OutputError> {
        for s in &self.staged {
            let is_dir = std::fs::symlink_metadata(&s.path).map(|m| m.is_dir());
            match (&s.tmp, is_dir) {
                (Temp::File(_), Ok(true)) => return Err(OutputError::IsDirectory(s.path.clone())),
                (Temp::Dir(_), Ok(false)) => return Err(OutputError::IsFile(s.path.clone())),
                _ => {}
            }
        }
        let manifest = self.dir.join("manifest.json");
        match std::fs::remove_file(&manifest) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(source) => return Err(OutputError::Write { path: manifest, source }),
        }
        let (last, first): (Vec<Staged>, Vec<Staged>) =
            self.staged.into_iter().partition(|s| s.path == manifest);
        let mut names = Vec::new();
        for s in first.into_iter().chain(last) {
            let path = s.path.clone();
            let err = |source| OutputError::Write { path: path.clone(), source };
            match s.tmp {
                Temp::File(tmp) => tmp.persist(&s.path).map_err(|e| err(e.error))?,
                Temp::Dir(tmp) => replace_dir(tmp, &s.path, &self.dir).map_err(err)?,
            }
            names.push(path);
        }
        if let Ok(d) = std::fs::File::open(&self.dir) {
            let _ = d.sync_all();
        }
        Ok(names)
    }
}

/// Syncs the filesystem that holds `dir` (`syncfs`): every file and directory written in it is
/// on disk when it returns `true`. `false` when the platform has no `syncfs` or the call
/// failed; the caller then syncs file by file, which reports the failing file.
fn sync_filesystem(dir: &Path) -> bool {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        if let Ok(d) = std::fs::File::open(dir) {
            // SAFETY: `d` is an open file descriptor for the duration of the call.
            return unsafe { libc::syncfs(d.as_raw_fd()) } == 0;
        }
    }
    let _ = dir;
    false
}

/// Syncs `files` (sixteen at a time), then `dirs`; the first failure names its path.
fn sync_each(files: &[PathBuf], dirs: &[PathBuf]) -> Result<(), OutputError> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failed: std::sync::Mutex<Option<(PathBuf, io::Error)>> = std::sync::Mutex::new(None);
    std::thread::scope(|s| {
        for _ in 0..16 {
            s.spawn(|| loop {
                let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(path) = files.get(k) else { break };
                if let Err(e) = std::fs::File::open(path).and_then(|f| f.sync_all()) {
                    if let Ok(mut slot) = failed.lock() {
                        slot.get_or_insert((path.clone(), e));
                    }
                    break;
                }
            });
        }
    });
    if let Some((path, source)) = failed.into_inner().ok().flatten() {
        return Err(OutputError::Write { path, source });
    }
    for d in dirs {
        std::fs::File::open(d)
            .and_then(|f| f.sync_all())
            .map_err(|source| OutputError::Write { path: d.clone(), source })?;
    }
    Ok(())
}

/// Renames the staged directory `tmp` to `path`. A previous directory there is first renamed
/// to a hidden temporary name (removed afterwards, or by the next run's [`OutputDir::open`] if
/// this one is killed), so `path` holds either the old directory or the new one, whole.
fn replace_dir(tmp: tempfile::TempDir, path: &Path, dir: &Path) -> io::Result<()> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let old = match std::fs::symlink_metadata(path) {
        Ok(_) => {
            // The run holds the directory's lock: no other run uses this name.
            let old = dir.join(format!(".{name}.old.tmp"));
            if old.exists() {
                std::fs::remove_dir_all(&old)?;
            }
            std::fs::rename(path, &old)?;
            Some(old)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    // A temporary directory is private (0700); an output directory is an ordinary one.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755))?;
    }
    std::fs::rename(tmp.keep(), path)?;
    if let Some(old) = old {
        std::fs::remove_dir_all(old)?;
    }
    Ok(())
}

/// Writes the files of an output directory under its temporary name, for
/// [`OutputDir::adopt_dir`], which syncs them.
#[derive(Debug)]
pub struct DirWriter {
    tmp: tempfile::TempDir,
    path: PathBuf,
    bytes: u64,
    written: Vec<PathBuf>,
    dirs: Vec<PathBuf>,
}

impl DirWriter {
    /// Writes the file `rel` (a relative path, `/`-separated) with content `bytes`.
    pub fn write(&mut self, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let path = self.tmp.path().join(rel);
        let err = |source| OutputError::Write { path: self.path.join(rel), source };
        if let Some(parent) = path.parent() {
            if !self.dirs.iter().any(|d| d == parent) {
                std::fs::create_dir_all(parent).map_err(err)?;
                self.dirs.push(parent.to_path_buf());
            }
        }
        let mut f = std::fs::File::create(&path).map_err(err)?;
        f.write_all(bytes).map_err(err)?;
        self.bytes += bytes.len() as u64;
        self.written.push(path);
        Ok(())
    }

    /// Files written so far.
    pub fn files(&self) -> usize {
        self.written.len()
    }

    /// Bytes written so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }
}

/// `value` as pretty-printed JSON with a trailing newline: the form of every JSON file reprint
/// writes.
pub fn pretty_json<T: serde::Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing to memory fails only where serializing does, never for reprint's reports.
    let _ = write_pretty_json(&mut out, value);
    out
}

/// Writes `value` to `w` as [`pretty_json`] makes it, without holding the whole text.
pub fn write_pretty_json<T: serde::Serialize + ?Sized>(w: &mut dyn Write, value: &T) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, value)?;
    w.write_all(b"\n")
}

/// `value` as pretty-printed JSON with the keys of every object sorted, and a trailing
/// newline: the form of `compare --json` and `eval.json`.
pub fn sorted_json<T: serde::Serialize + ?Sized>(value: &T) -> Vec<u8> {
    // serde_json's map is ordered by key, so going through a `Value` sorts every object.
    match serde_json::to_value(value) {
        Ok(v) => pretty_json(&v),
        Err(_) => Vec::new(),
    }
}

/// An input's size and checksum as reports record them: a file's bytes as stored, a
/// directory's accepted files (see [`crate::corpus::checksum`]); both `null` for standard input.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Checksum {
    /// Size in bytes.
    pub bytes: Option<u64>,
    /// xxh3-64 of the content, 16 lowercase hex digits.
    pub xxh3: Option<String>,
}

impl Checksum {
    /// The checksum of `input`, read as `config` says.
    pub fn of(
        input: &crate::corpus::Input,
        config: &crate::corpus::CorpusConfig,
    ) -> Result<Checksum, crate::corpus::CorpusError> {
        let sum = crate::corpus::checksum(input, config)?;
        Ok(Checksum { bytes: sum.map(|s| s.0), xxh3: sum.map(|s| xxh3_hex(s.1)) })
    }
}

impl From<crate::corpus::InputSum> for Checksum {
    /// The size and checksum the reader computed while reading an input.
    fn from(sum: crate::corpus::InputSum) -> Checksum {
        Checksum { bytes: sum.bytes, xxh3: sum.xxh3.map(xxh3_hex) }
    }
}

/// An xxh3-64 checksum as reports write it: 16 lowercase hex digits.
pub fn xxh3_hex(sum: u64) -> String {
    format!("{sum:016x}")
}

/// The entity that stands for `c` in HTML and SVG text and attribute values (`&`, `<`, `>`,
/// `"`, `'`), or `None` when `c` needs none: the one markup escaper of the HTML page and the SVG
/// charts.
pub fn markup_entity(c: char) -> Option<&'static str> {
    Some(match c {
        '&' => "&amp;",
        '<' => "&lt;",
        '>' => "&gt;",
        '"' => "&quot;",
        '\'' => "&#39;",
        _ => return None,
    })
}

/// Rounds a score to 6 decimals so reports stay readable and stable.
pub(crate) fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_whole_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.json");
        write_atomically(&p, b"first").unwrap();
        write_atomically(&p, b"second").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"second");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn atomic_write_into_missing_directory_fails_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("no/such/dir/out.json");
        assert!(write_atomically(&p, b"x").is_err());
        assert!(!p.exists());
    }

    #[test]
    fn syncing_file_by_file_names_the_file_that_fails() {
        let dir = tempfile::tempdir().unwrap();
        let ok = dir.path().join("a.html");
        std::fs::write(&ok, b"x").unwrap();
        sync_each(std::slice::from_ref(&ok), &[dir.path().to_path_buf()]).unwrap();
        let gone = dir.path().join("gone.html");
        match sync_each(&[ok, gone.clone()], &[]) {
            Err(OutputError::Write { path, .. }) => assert_eq!(path, gone),
            other => panic!("expected an error naming {}, got {other:?}", gone.display()),
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_filesystem_of_an_existing_directory_is_synced_at_once() {
        let dir = tempfile::tempdir().unwrap();
        assert!(sync_filesystem(dir.path()));
        assert!(!sync_filesystem(&dir.path().join("missing")));
    }
}
