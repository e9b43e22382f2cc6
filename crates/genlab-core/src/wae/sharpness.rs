//! How sharp decoded digits are — lecture 000's claim that a WAE's samples are "less blurry"
//! than a VAE's, made a number: the gradient energy of an image, ∂x² + ∂y² by forward
//! differences between neighbouring pixels, averaged over the picture. Not the mean gradient
//! *magnitude*: a blur spreads a stroke's rise from paper to ink over w pixels, each rising 1/w,
//! so the magnitudes still add up to the same rise (measured: a 3 × 3 blur lowers it by only
//! 11% on some digits), while their squares add up to 1/w of it. Real digits give the level a
//! decoder's samples are compared with.

use crate::digits::data::PIXELS;

const SIDE: usize = 28;

/// The mean gradient energy of one 28 × 28 image (values in [0, 1]).
pub fn sharpness(image: &[f32]) -> f64 {
    assert_eq!(image.len(), PIXELS);
    let at = |r: usize, c: usize| image[r * SIDE + c] as f64;
    let mut sum = 0.0;
    for r in 0..SIDE - 1 {
        for c in 0..SIDE - 1 {
            let (dx, dy) = (at(r, c + 1) - at(r, c), at(r + 1, c) - at(r, c));
            sum += dx * dx + dy * dy;
        }
    }
    sum / ((SIDE - 1) * (SIDE - 1)) as f64
}

/// The mean of [`sharpness`] over images laid end to end (n × 784).
pub fn mean_sharpness(images: &[f32]) -> f64 {
    let n = images.len() / PIXELS;
    if n == 0 {
        return f64::NAN;
    }
    images.chunks_exact(PIXELS).map(sharpness).sum::<f64>() / n as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blurred(image: &[f32]) -> Vec<f32> {
        let mut out = vec![0.0f32; PIXELS];
        for r in 0..SIDE {
            for c in 0..SIDE {
                let (mut s, mut n) = (0.0, 0.0);
                for dr in -1i32..=1 {
                    for dc in -1i32..=1 {
                        let (rr, cc) = (r as i32 + dr, c as i32 + dc);
                        if (0..SIDE as i32).contains(&rr) && (0..SIDE as i32).contains(&cc) {
                            s += image[rr as usize * SIDE + cc as usize];
                            n += 1.0;
                        }
                    }
                }
                out[r * SIDE + c] = s / n;
            }
        }
        out
    }

    /// A flat picture has none; a one-pixel step of height 1 along a column gives exactly
    /// (rows crossing it) / 27²; a 3 × 3 blur lowers the figure of every real digit by more
    /// than half (measured: by 59% at least on the first 50 test digits).
    #[test]
    fn blur_lowers_the_figure_and_a_step_gives_its_exact_value() {
        assert_eq!(sharpness(&[0.5; PIXELS]), 0.0);
        let step: Vec<f32> = (0..PIXELS).map(|i| f32::from(i % SIDE >= 14)).collect();
        // Each of the 27 rows scored crosses the step once, with |∂x| = 1.
        assert!((sharpness(&step) - 27.0 / (27.0 * 27.0)).abs() < 1e-12);
        let digits = crate::digits::data::load_repo_asset().expect("the bundled digits");
        let mut worst = 0.0f64;
        for &i in &digits.test[..50] {
            let img: Vec<f32> = digits.image(i).iter().map(|&p| p as f32 / 255.0).collect();
            let (sharp, soft) = (sharpness(&img), sharpness(&blurred(&img)));
            worst = worst.max(soft / sharp);
            assert!(soft < 0.6 * sharp, "digit {i}: {sharp} → {soft}");
        }
        eprintln!("blurred / sharp, worst: {worst}");
    }
}
