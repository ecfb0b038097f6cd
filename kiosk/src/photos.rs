//! Staff photos for the lobby's notice board (岗位牌): one PNG per staff
//! number in the data folder's `photos/`, put there by `kiosk staff photo`
//! after checking it is a PNG the screen can show — so that a wrong file is
//! refused at the counter, not drawn as a blank in the lobby.

use std::path::{Path, PathBuf};

/// The largest photo file taken, in bytes.
pub const MAX_BYTES: u64 = 1024 * 1024;

/// The largest photo taken, in pixels each way.
pub const MAX_SIDE: u32 = 1024;

/// Why a photo was refused.
#[derive(Debug, thiserror::Error)]
pub enum PhotoError {
    #[error("cannot read {0}: {1}")]
    Read(PathBuf, std::io::Error),
    #[error("{0} is {1} bytes; a photo is at most {MAX_BYTES} (scale it down to about 300×400)")]
    TooBig(PathBuf, u64),
    #[error("{0} is not a PNG the screen can show ({1}); save it as PNG")]
    NotPng(PathBuf, String),
    #[error("{0} is {1}×{2} pixels; at most {MAX_SIDE} each way (about 300×400 is plenty)")]
    TooLarge(PathBuf, u32, u32),
    #[error("`{0}` cannot name a file: a staff number of letters, digits, `-` and `_`")]
    BadNumber(String),
    #[error("cannot write {0}: {1}")]
    Write(PathBuf, std::io::Error),
}

/// The folder of a data folder's photos.
pub fn dir(data: &Path) -> PathBuf {
    data.join("photos")
}

/// The photo of staff member `number` in `dir`, if one was put there.
pub fn of(dir: &Path, number: &str) -> Option<PathBuf> {
    let path = dir.join(format!("{}.png", safe(number).ok()?));
    path.is_file().then_some(path)
}

/// Every photo in `dir`, by staff number (one listing of the folder).
pub fn all(dir: &Path) -> std::collections::BTreeMap<String, PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Default::default();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let path = e.path();
            let number = path
                .file_name()?
                .to_str()?
                .strip_suffix(".png")?
                .to_string();
            (safe(&number).is_ok() && path.is_file()).then_some((number, path))
        })
        .collect()
}

fn safe(number: &str) -> Result<&str, PhotoError> {
    if !number.is_empty()
        && number.len() <= 16
        && number
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        Ok(number)
    } else {
        Err(PhotoError::BadNumber(number.to_string()))
    }
}

/// Checks `source` and puts it in `dir` as `number`'s photo (replacing an
/// earlier one whole: written aside, then renamed).
pub fn install(dir: &Path, number: &str, source: &Path) -> Result<PathBuf, PhotoError> {
    let number = safe(number)?;
    let bytes = std::fs::read(source).map_err(|e| PhotoError::Read(source.into(), e))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(PhotoError::TooBig(source.into(), bytes.len() as u64));
    }
    let decoder = png::Decoder::new(std::io::Cursor::new(&bytes));
    let mut reader = decoder
        .read_info()
        .map_err(|e| PhotoError::NotPng(source.into(), e.to_string()))?;
    let (w, h) = (reader.info().width, reader.info().height);
    if w > MAX_SIDE || h > MAX_SIDE {
        return Err(PhotoError::TooLarge(source.into(), w, h));
    }
    // The whole image decodes: a truncated file is refused here.
    let mut pixels = vec![0; reader.output_buffer_size().unwrap_or(0)];
    reader
        .next_frame(&mut pixels)
        .map_err(|e| PhotoError::NotPng(source.into(), e.to_string()))?;
    std::fs::create_dir_all(dir).map_err(|e| PhotoError::Write(dir.into(), e))?;
    let path = dir.join(format!("{number}.png"));
    let aside = dir.join(format!(".{number}.png.new"));
    std::fs::write(&aside, &bytes).map_err(|e| PhotoError::Write(aside.clone(), e))?;
    std::fs::rename(&aside, &path).map_err(|e| PhotoError::Write(path.clone(), e))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().unwrap();
        writer
            .write_image_data(&vec![128; (w * h * 3) as usize])
            .unwrap();
        drop(writer);
        out
    }

    #[test]
    fn a_png_is_put_in_place_and_anything_else_refused_with_what_to_do() {
        let tmp = tempfile::tempdir().unwrap();
        let photos = dir(tmp.path());
        let good = tmp.path().join("wang.png");
        std::fs::write(&good, png(30, 40)).unwrap();
        assert_eq!(of(&photos, "0101"), None);
        let path = install(&photos, "0101", &good).unwrap();
        assert_eq!(of(&photos, "0101"), Some(path.clone()));
        assert_eq!(
            all(&photos).into_iter().collect::<Vec<_>>(),
            [("0101".into(), path)]
        );
        let jpeg = tmp.path().join("wang.jpg");
        std::fs::write(&jpeg, b"\xFF\xD8\xFF\xE0 not a png").unwrap();
        let e = install(&photos, "0102", &jpeg).unwrap_err().to_string();
        assert!(e.contains("save it as PNG"), "{e}");
        let cut = tmp.path().join("cut.png");
        let whole = png(30, 40);
        std::fs::write(&cut, &whole[..whole.len() - 20]).unwrap();
        assert!(matches!(
            install(&photos, "0102", &cut),
            Err(PhotoError::NotPng(..))
        ));
        let huge = tmp.path().join("huge.png");
        std::fs::write(&huge, png(1025, 2)).unwrap();
        assert!(matches!(
            install(&photos, "0102", &huge),
            Err(PhotoError::TooLarge(_, 1025, 2))
        ));
        assert!(matches!(
            install(&photos, "../0102", &good),
            Err(PhotoError::BadNumber(_))
        ));
        assert!(install(&photos, "0101", tmp.path().join("none.png").as_path()).is_err());
        assert_eq!(of(&photos, "0102"), None, "nothing half-written");
    }
}
