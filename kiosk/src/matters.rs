//! The matter catalog in force and its installed versions.
//!
//! Versions live in the data folder's `matters/` as `0001.toml`, `0002.toml`,
//! …, each exactly as staff installed it (`kiosk matters load`, journaled
//! with its approver); none is ever rewritten or removed, so a matter
//! recorded under an old version still reads as it was. Without any, the
//! sample shipped with the kiosk (version 0) is in force. `Book` is the
//! catalog in force, shared by the station loop, the lobby guide and the
//! console; a new version replaces it at once.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use crate::config::{ConfigError, SAMPLE_MATTERS, parse_matters};
use crate::domain::{Catalog, Matters};

/// The catalog in force, shared.
#[derive(Clone)]
pub struct Book {
    current: Arc<RwLock<Arc<Matters>>>,
    dir: Option<PathBuf>,
    catalog: Catalog,
}

impl Book {
    /// The newest version installed in `dir` that reads, or the sample; the
    /// problems of newer files that do not read (they are not in force).
    pub fn open(dir: Option<&Path>, catalog: &Catalog) -> (Book, Vec<String>) {
        let (matters, problems) = match dir {
            Some(dir) => newest(dir, catalog),
            None => (sample(catalog), Vec::new()),
        };
        (
            Book {
                current: Arc::new(RwLock::new(Arc::new(matters))),
                dir: dir.map(Path::to_path_buf),
                catalog: catalog.clone(),
            },
            problems,
        )
    }

    /// A book holding exactly these matters (tests, benches).
    pub fn of(matters: Matters, catalog: &Catalog) -> Book {
        Book {
            current: Arc::new(RwLock::new(Arc::new(matters))),
            dir: None,
            catalog: catalog.clone(),
        }
    }

    /// The catalog in force now.
    pub fn current(&self) -> Arc<Matters> {
        self.current
            .read()
            .map(|m| Arc::clone(&m))
            .unwrap_or_else(|poisoned| Arc::clone(&poisoned.into_inner()))
    }

    /// Puts installed version `version` in force; refused (the one in force
    /// stays) when it does not read.
    pub fn take(&self, version: u32) -> Result<Arc<Matters>, String> {
        let matters = Arc::new(self.version(version)?);
        match self.current.write() {
            Ok(mut m) => *m = Arc::clone(&matters),
            Err(poisoned) => *poisoned.into_inner() = Arc::clone(&matters),
        }
        Ok(matters)
    }

    /// Any version, for a record made under it: 0 is the sample. The one
    /// in force is not read again.
    pub fn version(&self, version: u32) -> Result<Matters, String> {
        let current = self.current();
        if current.version == version {
            return Ok((*current).clone());
        }
        if version == 0 {
            return Ok(sample(&self.catalog));
        }
        let dir = self
            .dir
            .as_ref()
            .ok_or_else(|| format!("matter catalog version {version} is not installed"))?;
        read_version(dir, version, &self.catalog).map_err(|e| e.to_string())
    }
}

impl Book {
    /// The SHA-256 of a version's file, as journaled when it is installed.
    pub fn digest(&self, version: u32) -> Result<String, String> {
        use sha2::{Digest, Sha256};
        let bytes = if version == 0 {
            SAMPLE_MATTERS.as_bytes().to_vec()
        } else {
            let dir = self
                .dir
                .as_ref()
                .ok_or_else(|| format!("matter catalog version {version} is not installed"))?;
            let path = version_file(dir, version);
            std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?
        };
        Ok(Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect())
    }
}

/// The sample catalog (version 0). It is tested to read against the shipped
/// service catalog; against another, a station's own catalog, it may not.
pub fn sample(catalog: &Catalog) -> Matters {
    parse_matters("matters.toml (built in)", SAMPLE_MATTERS, catalog, 0).unwrap_or_else(|e| {
        tracing::warn!("the built-in sample matter catalog does not fit this station's categories ({e}); install the station's own with `kiosk matters load`");
        Matters::default()
    })
}

/// The file of installed version `version`.
pub fn version_file(dir: &Path, version: u32) -> PathBuf {
    dir.join(format!("{version:04}.toml"))
}

/// The installed versions, oldest first.
pub fn installed(dir: &Path) -> Vec<u32> {
    let mut versions: Vec<u32> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let stem = name.strip_suffix(".toml")?;
            (stem.len() == 4).then_some(())?;
            stem.parse().ok().filter(|v| *v > 0)
        })
        .collect();
    versions.sort_unstable();
    versions
}

/// Reads installed version `version`.
pub fn read_version(dir: &Path, version: u32, catalog: &Catalog) -> Result<Matters, ConfigError> {
    let path = version_file(dir, version);
    let name = path.display().to_string();
    let bytes = std::fs::read(&path)
        .map_err(|e| ConfigError::at(&name, "", None, None, format!("cannot read it: {e}")))?;
    let text = ConfigError::text(&name, bytes)?;
    parse_matters(&name, &text, catalog, version)
}

fn newest(dir: &Path, catalog: &Catalog) -> (Matters, Vec<String>) {
    let mut problems = Vec::new();
    for version in installed(dir).into_iter().rev() {
        match read_version(dir, version, catalog) {
            Ok(m) => return (m, problems),
            Err(e) => problems.push(format!("{e}; the version before it is used")),
        }
    }
    (sample(catalog), problems)
}

/// Installs a checked catalog text as the next version in `dir`: written to
/// a temporary file, synced, renamed. Returns its version.
pub fn install(dir: &Path, text: &str) -> std::io::Result<u32> {
    use std::io::Write;
    std::fs::create_dir_all(dir)?;
    let version = installed(dir).last().copied().unwrap_or(0) + 1;
    let target = version_file(dir, version);
    let part = target.with_extension("toml.part");
    let mut f = std::fs::File::create(&part)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    std::fs::rename(&part, &target)?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(version)
}

/// Takes back a version the station refused to journal, so that nothing
/// unjournaled is ever in force.
pub fn uninstall(dir: &Path, version: u32) -> std::io::Result<()> {
    std::fs::remove_file(version_file(dir, version))
}
