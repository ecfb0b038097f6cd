//! The data folder: where the database, the virtual printer's output and the
//! control socket live, and the lock that keeps a second kiosk off it.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// Why the data folder cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The folder cannot be created or written.
    #[error(
        "cannot use data folder {path}: {source} — pass --data with a writable folder, or fix its owner and permissions"
    )]
    Unwritable {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Another kiosk holds the folder.
    #[error("another kiosk is already running on data folder {path}{} — stop it first, or pass --data with another folder", pid.map(|p| format!(" (process {p})")).unwrap_or_default())]
    InUse { path: PathBuf, pid: Option<u32> },
    /// No folder was given and no home folder is known.
    #[error("no data folder: set --data, KIOSK_DATA, XDG_DATA_HOME or HOME")]
    NoDefault,
}

/// The data folder of an installed kiosk (the package's, the unit's).
pub const INSTALLED_DATA: &str = "/var/lib/kiosk";

/// A locked data folder. The lock is released when this is dropped.
#[derive(Debug)]
pub struct DataDir {
    path: PathBuf,
    _lock: File,
}

impl DataDir {
    /// The default folder: `$KIOSK_DATA`, else `$XDG_DATA_HOME/kiosk`, else
    /// `~/.local/share/kiosk`.
    pub fn default_path() -> Result<PathBuf, DataError> {
        let var = |name| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        if let Some(p) = var("KIOSK_DATA") {
            return Ok(p);
        }
        // An installed appliance: the package's data folder, for the
        // technician's commands as for the service.
        let installed = Path::new(INSTALLED_DATA);
        if installed.join("kiosk.db").exists() {
            return Ok(installed.to_path_buf());
        }
        if let Some(p) = var("XDG_DATA_HOME") {
            return Ok(p.join("kiosk"));
        }
        var("HOME")
            .map(|h| h.join(".local/share/kiosk"))
            .ok_or(DataError::NoDefault)
    }

    /// Creates (if needed) and locks the folder for this process.
    pub fn open(path: &Path) -> Result<Self, DataError> {
        let unwritable = |source| DataError::Unwritable {
            path: path.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(path).map_err(unwritable)?;
        let mut lock = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path.join("kiosk.lock"))
            .map_err(unwritable)?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut text = String::new();
                let _ = lock.read_to_string(&mut text);
                return Err(DataError::InUse {
                    path: path.to_path_buf(),
                    pid: text.trim().parse().ok(),
                });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(unwritable(e)),
        }
        lock.set_len(0).map_err(unwritable)?;
        lock.rewind().map_err(unwritable)?;
        writeln!(lock, "{}", std::process::id()).map_err(unwritable)?;
        Ok(Self {
            path: path.to_path_buf(),
            _lock: lock,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The SQLite database.
    pub fn database(&self) -> PathBuf {
        self.path.join("kiosk.db")
    }

    /// The control socket.
    pub fn control_socket(&self) -> PathBuf {
        self.path.join("control.sock")
    }

    /// The stable path of the simulated printer's port.
    pub fn sim_printer_port(&self) -> PathBuf {
        self.path.join("printer.tty")
    }

    /// Holiday calendar files the station's staff installed (`kiosk calendar
    /// load`); they take precedence over the built-in years.
    pub fn calendar(&self) -> PathBuf {
        calendar_dir(&self.path)
    }

    /// The matter catalog's installed versions (`kiosk matters load`).
    pub fn matters(&self) -> PathBuf {
        matters_dir(&self.path)
    }

    /// Where the simulated board writes each announcement as a WAV file.
    pub fn sim_voice(&self) -> PathBuf {
        self.path.join("voice")
    }

    /// Where the simulated board writes its window cards.
    pub fn sim_cards(&self) -> PathBuf {
        self.path.join("cards")
    }

    /// Where the simulated printer writes its jobs.
    pub fn sim_printer_jobs(&self) -> PathBuf {
        self.path.join("printer")
    }
}

/// The installed calendar folder of the data folder at `data`. The command line
/// uses it without taking the data folder's lock, so that staff can load a
/// calendar while the station runs.
pub fn calendar_dir(data: &Path) -> PathBuf {
    data.join("calendar")
}

/// The installed matter catalogs of the data folder at `data`, one file a
/// version (`0001.toml`, …); used by the command line without the lock, like
/// the calendar's.
pub fn matters_dir(data: &Path) -> PathBuf {
    data.join("matters")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_kiosk_on_the_same_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let first = DataDir::open(dir.path()).unwrap();
        let err = DataDir::open(dir.path()).unwrap_err();
        let message = err.to_string();
        assert!(
            matches!(err, DataError::InUse { pid: Some(p), .. } if p == std::process::id()),
            "{message}"
        );
        assert!(
            message.contains("another kiosk is already running on data folder"),
            "{message}"
        );
        drop(first);
        DataDir::open(dir.path()).unwrap();
    }

    #[test]
    fn an_unwritable_folder_says_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a-file");
        std::fs::write(&file, "x").unwrap();
        // A folder cannot be made inside a file, whoever the user is.
        let err = DataDir::open(&file.join("data")).unwrap_err();
        assert!(
            err.to_string().starts_with(&format!(
                "cannot use data folder {}",
                file.join("data").display()
            )),
            "{err}"
        );
        assert!(
            err.to_string()
                .ends_with("pass --data with a writable folder, or fix its owner and permissions"),
            "{err}"
        );
    }
}
