//! The slow-card model: a SQLite VFS over the platform's own that makes every
//! `fsync` take as long as a cheap SD card's and counts what is written.
//!
//! The build machines' disks answer `fsync` in well under a millisecond; a Pi's
//! SD card takes milliseconds to tens of milliseconds, now and then far longer,
//! and wears with every byte. [`install`] registers this VFS as the process's
//! default, so every connection (the writer, the console's readers, backups)
//! goes through it; the files are the real ones on the real disk. Each `xSync`
//! first sleeps for a delay drawn from [`CardModel`], then syncs for real; each
//! `xWrite` adds its length to the counters [`stats`] reads. Only benchmarks
//! and the Pi-class harness turn it on (`KIOSK_SLOW_CARD`, ADR 0032); the
//! Debian package is built without it.

use std::ffi::{CStr, c_char, c_int, c_void};
use std::ptr;
use std::sync::Mutex;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use rusqlite::ffi;

/// How long the card takes to `fsync`: a log-normal delay with the given median
/// and 99th percentile, never longer than `worst`, and one sync in
/// [`STALL_EVERY`] takes `worst` (a card's internal garbage collection).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CardModel {
    pub median: Duration,
    pub p99: Duration,
    pub worst: Duration,
}

/// One `fsync` in this many is a stall of the model's worst delay.
pub const STALL_EVERY: u64 = 1_000;

/// The standard normal's 99th percentile.
const Z99: f64 = 2.326_347_874;

impl CardModel {
    /// A cheap card as the docs state it: 5 ms median, 40 ms p99, 250 ms worst.
    pub const CHEAP: CardModel = CardModel {
        median: Duration::from_millis(5),
        p99: Duration::from_millis(40),
        worst: Duration::from_millis(250),
    };

    /// Reads `MEDIAN,P99,WORST` in milliseconds (as `KIOSK_SLOW_CARD` gives it),
    /// or `cheap` for [`CardModel::CHEAP`].
    pub fn parse(text: &str) -> Result<CardModel, String> {
        let text = text.trim();
        if text == "cheap" {
            return Ok(Self::CHEAP);
        }
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        let [median, p99, worst] = parts.as_slice() else {
            return Err(format!(
                "slow card `{text}`: give three delays in milliseconds, MEDIAN,P99,WORST \
                 (for example 5,40,250), or `cheap`"
            ));
        };
        let ms = |what: &str, s: &str| -> Result<Duration, String> {
            match s.parse::<f64>() {
                Ok(v) if v.is_finite() && v > 0.0 && v <= 10_000.0 => {
                    Ok(Duration::from_secs_f64(v / 1000.0))
                }
                _ => Err(format!(
                    "slow card `{text}`: the {what} `{s}` is not a delay in milliseconds \
                     between 0 and 10000"
                )),
            }
        };
        let model = CardModel {
            median: ms("median", median)?,
            p99: ms("p99", p99)?,
            worst: ms("worst", worst)?,
        };
        if !(model.median <= model.p99 && model.p99 <= model.worst) {
            return Err(format!(
                "slow card `{text}`: the delays must grow: median ≤ p99 ≤ worst"
            ));
        }
        Ok(model)
    }

    /// The delay of the `n`th sync (counting from 1), with `z` a standard
    /// normal draw.
    fn delay(&self, n: u64, z: f64) -> Duration {
        if n.is_multiple_of(STALL_EVERY) {
            return self.worst;
        }
        let median = self.median.as_secs_f64();
        let sigma = (self.p99.as_secs_f64() / median).ln() / Z99;
        let secs = median * (sigma * z).exp();
        Duration::from_secs_f64(secs.min(self.worst.as_secs_f64()))
    }
}

/// What the card has been asked to do since [`install`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CardStats {
    /// Bytes written to database files.
    pub db_bytes: u64,
    /// Bytes written to write-ahead logs.
    pub wal_bytes: u64,
    /// Bytes written to any other file SQLite opened (journals, temporary files).
    pub other_bytes: u64,
    /// `fsync` calls, and the delay the model added to them.
    pub syncs: u64,
    pub delay: Duration,
}

impl CardStats {
    pub fn written(&self) -> u64 {
        self.db_bytes + self.wal_bytes + self.other_bytes
    }
}

struct Counters {
    db: AtomicU64,
    wal: AtomicU64,
    other: AtomicU64,
    syncs: AtomicU64,
    delay_us: AtomicU64,
}

static COUNTERS: Counters = Counters {
    db: AtomicU64::new(0),
    wal: AtomicU64::new(0),
    other: AtomicU64::new(0),
    syncs: AtomicU64::new(0),
    delay_us: AtomicU64::new(0),
};

/// The card once installed: its model, the platform's VFS it wraps, and the
/// random state of the delays (a fixed seed: runs are repeatable).
struct Card {
    model: CardModel,
    base: *mut ffi::sqlite3_vfs,
    random: Mutex<u64>,
}

// SAFETY: `base` points at SQLite's own VFS object, which lives as long as the
// process and which SQLite itself calls from any thread.
unsafe impl Send for Card {}
unsafe impl Sync for Card {}

static CARD: OnceLock<Card> = OnceLock::new();

/// The name the VFS is registered under.
pub const NAME: &CStr = c"slow-card";

/// Makes the slow card the default VFS of this process. Call it before the
/// first connection opens. A second call with the same model does nothing; with
/// another model it is refused.
pub fn install(model: CardModel) -> Result<(), String> {
    let mut fresh = false;
    let card = CARD.get_or_init(|| {
        fresh = true;
        // SAFETY: with a null name, sqlite3_vfs_find returns the default VFS
        // (initialising the library first), or null if there is none.
        let base = unsafe { ffi::sqlite3_vfs_find(ptr::null()) };
        Card {
            model,
            base,
            random: Mutex::new(0x9E37_79B9_7F4A_7C15),
        }
    });
    if card.model != model {
        return Err("the slow card is already installed with another model".into());
    }
    if !fresh {
        return Ok(());
    }
    if card.base.is_null() {
        return Err("SQLite has no default VFS to put the slow card over".into());
    }
    // SAFETY: `base` is SQLite's live default VFS (checked non-null above); the
    // copy keeps its methods, which take any `sqlite3_vfs` pointer and do not
    // read it beyond `mxPathname`, except `xOpen`, which we replace so that
    // the base VFS's own open sees its own object.
    let vfs = unsafe {
        let base = &*card.base;
        Box::new(ffi::sqlite3_vfs {
            szOsFile: (size_of::<ShimFile>() as c_int) + base.szOsFile,
            pNext: ptr::null_mut(),
            zName: NAME.as_ptr(),
            xOpen: Some(x_open),
            ..*base
        })
    };
    // SAFETY: the VFS object is leaked, so it outlives every connection.
    let rc = unsafe { ffi::sqlite3_vfs_register(Box::into_raw(vfs), 1) };
    if rc != ffi::SQLITE_OK {
        return Err(format!("SQLite refused the slow card's VFS (code {rc})"));
    }
    Ok(())
}

/// The model in force, if the slow card is installed.
pub fn model() -> Option<CardModel> {
    CARD.get().map(|c| c.model)
}

/// What has been written and synced since the card was installed.
pub fn stats() -> CardStats {
    CardStats {
        db_bytes: COUNTERS.db.load(Ordering::Relaxed),
        wal_bytes: COUNTERS.wal.load(Ordering::Relaxed),
        other_bytes: COUNTERS.other.load(Ordering::Relaxed),
        syncs: COUNTERS.syncs.load(Ordering::Relaxed),
        delay: Duration::from_micros(COUNTERS.delay_us.load(Ordering::Relaxed)),
    }
}

/// Which counter a file's writes go to.
#[derive(Clone, Copy)]
#[repr(u8)]
enum Kind {
    Db,
    Wal,
    Other,
}

/// What SQLite allocates for an open file (`szOsFile` bytes): our header, then
/// the base VFS's own file object, which the header points at.
#[repr(C)]
struct ShimFile {
    base: ffi::sqlite3_file,
    real: *mut ffi::sqlite3_file,
    kind: Kind,
}

unsafe extern "C" fn x_open(
    _vfs: *mut ffi::sqlite3_vfs,
    name: *const c_char,
    file: *mut ffi::sqlite3_file,
    flags: c_int,
    out_flags: *mut c_int,
) -> c_int {
    let Some(card) = CARD.get() else {
        return ffi::SQLITE_ERROR;
    };
    let kind = if flags & ffi::SQLITE_OPEN_MAIN_DB != 0 {
        Kind::Db
    } else if flags & ffi::SQLITE_OPEN_WAL != 0 {
        Kind::Wal
    } else {
        Kind::Other
    };
    let shim = file.cast::<ShimFile>();
    // SAFETY: SQLite hands us `szOsFile` writable bytes, aligned for a pointer:
    // a ShimFile, then the base VFS's file object. The base's `xOpen` gets its
    // own VFS and its own part of the memory.
    unsafe {
        let real = shim.add(1).cast::<ffi::sqlite3_file>();
        ptr::write(
            shim,
            ShimFile {
                base: ffi::sqlite3_file {
                    pMethods: ptr::null(),
                },
                real,
                kind,
            },
        );
        (*real).pMethods = ptr::null();
        let base = &*card.base;
        let Some(open) = base.xOpen else {
            return ffi::SQLITE_ERROR;
        };
        let rc = open(card.base, name, real, flags, out_flags);
        let methods = (*real).pMethods;
        // A file the base did not open has no methods: SQLite closes only
        // the ones that do.
        if rc == ffi::SQLITE_OK && !methods.is_null() {
            (*shim).base.pMethods = match (*methods).iVersion {
                1 => &IO_METHODS_1,
                2 => &IO_METHODS_2,
                _ => &IO_METHODS_3,
            };
        }
        rc
    }
}

/// The base file behind one of ours, and its methods.
///
/// # Safety
/// `file` must be a file our `x_open` opened; SQLite calls io methods only on
/// files whose `pMethods` we set, which we do only once the base opened its own.
unsafe fn real(
    file: *mut ffi::sqlite3_file,
) -> (*mut ffi::sqlite3_file, &'static ffi::sqlite3_io_methods) {
    // SAFETY: per the contract above.
    unsafe {
        let real = (*file.cast::<ShimFile>()).real;
        (real, &*(*real).pMethods)
    }
}

/// Calls the base file's method `$m` with the remaining arguments, or answers
/// `SQLITE_IOERR` if the base has none.
macro_rules! forward {
    ($file:expr, $m:ident $(, $arg:expr)*) => {{
        // SAFETY: SQLite calls this only on files our x_open opened.
        let (real, methods) = unsafe { real($file) };
        match methods.$m {
            // SAFETY: the base's own method on its own file, with SQLite's
            // arguments passed through unchanged.
            Some(f) => unsafe { f(real $(, $arg)*) },
            None => ffi::SQLITE_IOERR,
        }
    }};
}

unsafe extern "C" fn x_close(file: *mut ffi::sqlite3_file) -> c_int {
    forward!(file, xClose)
}

unsafe extern "C" fn x_read(
    file: *mut ffi::sqlite3_file,
    buf: *mut c_void,
    amount: c_int,
    offset: ffi::sqlite3_int64,
) -> c_int {
    forward!(file, xRead, buf, amount, offset)
}

unsafe extern "C" fn x_write(
    file: *mut ffi::sqlite3_file,
    buf: *const c_void,
    amount: c_int,
    offset: ffi::sqlite3_int64,
) -> c_int {
    // SAFETY: SQLite calls this only on files our x_open opened.
    let kind = unsafe { (*file.cast::<ShimFile>()).kind };
    let counter = match kind {
        Kind::Db => &COUNTERS.db,
        Kind::Wal => &COUNTERS.wal,
        Kind::Other => &COUNTERS.other,
    };
    counter.fetch_add(amount.max(0) as u64, Ordering::Relaxed);
    forward!(file, xWrite, buf, amount, offset)
}

unsafe extern "C" fn x_truncate(file: *mut ffi::sqlite3_file, size: ffi::sqlite3_int64) -> c_int {
    forward!(file, xTruncate, size)
}

unsafe extern "C" fn x_sync(file: *mut ffi::sqlite3_file, flags: c_int) -> c_int {
    if let Some(card) = CARD.get() {
        let n = COUNTERS.syncs.fetch_add(1, Ordering::Relaxed) + 1;
        let z = {
            let mut state = card.random.lock().unwrap_or_else(|e| e.into_inner());
            normal(&mut state)
        };
        let delay = card.model.delay(n, z);
        COUNTERS
            .delay_us
            .fetch_add(delay.as_micros() as u64, Ordering::Relaxed);
        std::thread::sleep(delay);
    }
    forward!(file, xSync, flags)
}

unsafe extern "C" fn x_file_size(
    file: *mut ffi::sqlite3_file,
    size: *mut ffi::sqlite3_int64,
) -> c_int {
    forward!(file, xFileSize, size)
}

unsafe extern "C" fn x_lock(file: *mut ffi::sqlite3_file, level: c_int) -> c_int {
    forward!(file, xLock, level)
}

unsafe extern "C" fn x_unlock(file: *mut ffi::sqlite3_file, level: c_int) -> c_int {
    forward!(file, xUnlock, level)
}

unsafe extern "C" fn x_check_reserved_lock(file: *mut ffi::sqlite3_file, out: *mut c_int) -> c_int {
    forward!(file, xCheckReservedLock, out)
}

unsafe extern "C" fn x_file_control(
    file: *mut ffi::sqlite3_file,
    op: c_int,
    arg: *mut c_void,
) -> c_int {
    forward!(file, xFileControl, op, arg)
}

unsafe extern "C" fn x_sector_size(file: *mut ffi::sqlite3_file) -> c_int {
    forward!(file, xSectorSize)
}

unsafe extern "C" fn x_device_characteristics(file: *mut ffi::sqlite3_file) -> c_int {
    forward!(file, xDeviceCharacteristics)
}

unsafe extern "C" fn x_shm_map(
    file: *mut ffi::sqlite3_file,
    region: c_int,
    size: c_int,
    extend: c_int,
    out: *mut *mut c_void,
) -> c_int {
    forward!(file, xShmMap, region, size, extend, out)
}

unsafe extern "C" fn x_shm_lock(
    file: *mut ffi::sqlite3_file,
    offset: c_int,
    n: c_int,
    flags: c_int,
) -> c_int {
    forward!(file, xShmLock, offset, n, flags)
}

unsafe extern "C" fn x_shm_barrier(file: *mut ffi::sqlite3_file) {
    // SAFETY: SQLite calls this only on files our x_open opened.
    let (real, methods) = unsafe { real(file) };
    if let Some(f) = methods.xShmBarrier {
        // SAFETY: the base's own method on its own file.
        unsafe { f(real) }
    }
}

unsafe extern "C" fn x_shm_unmap(file: *mut ffi::sqlite3_file, delete: c_int) -> c_int {
    forward!(file, xShmUnmap, delete)
}

unsafe extern "C" fn x_fetch(
    file: *mut ffi::sqlite3_file,
    offset: ffi::sqlite3_int64,
    amount: c_int,
    out: *mut *mut c_void,
) -> c_int {
    forward!(file, xFetch, offset, amount, out)
}

unsafe extern "C" fn x_unfetch(
    file: *mut ffi::sqlite3_file,
    offset: ffi::sqlite3_int64,
    page: *mut c_void,
) -> c_int {
    forward!(file, xUnfetch, offset, page)
}

/// The methods of our files, one table for each version the base may give its
/// own (SQLite reads the later methods only when the version says they exist).
const fn io_methods(version: c_int) -> ffi::sqlite3_io_methods {
    ffi::sqlite3_io_methods {
        iVersion: version,
        xClose: Some(x_close),
        xRead: Some(x_read),
        xWrite: Some(x_write),
        xTruncate: Some(x_truncate),
        xSync: Some(x_sync),
        xFileSize: Some(x_file_size),
        xLock: Some(x_lock),
        xUnlock: Some(x_unlock),
        xCheckReservedLock: Some(x_check_reserved_lock),
        xFileControl: Some(x_file_control),
        xSectorSize: Some(x_sector_size),
        xDeviceCharacteristics: Some(x_device_characteristics),
        xShmMap: Some(x_shm_map),
        xShmLock: Some(x_shm_lock),
        xShmBarrier: Some(x_shm_barrier),
        xShmUnmap: Some(x_shm_unmap),
        xFetch: Some(x_fetch),
        xUnfetch: Some(x_unfetch),
    }
}

static IO_METHODS_1: ffi::sqlite3_io_methods = io_methods(1);
static IO_METHODS_2: ffi::sqlite3_io_methods = io_methods(2);
static IO_METHODS_3: ffi::sqlite3_io_methods = io_methods(3);

/// A standard normal draw (Box–Muller over xorshift64*).
fn normal(state: &mut u64) -> f64 {
    let mut uniform = || {
        *state ^= *state >> 12;
        *state ^= *state << 25;
        *state ^= *state >> 27;
        let bits = state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11;
        // In (0, 1]: never zero, so the logarithm below is finite.
        (bits as f64 + 1.0) / (1u64 << 53) as f64
    };
    let (u1, u2) = (uniform(), uniform());
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

#[cfg(test)]
mod tests;
