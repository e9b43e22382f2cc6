//! The conditional VAE of lecture 000 on the digits: the label (one-hot) enters the encoder
//! beside the image and the decoder beside z, so q(z|x, y) and p(x|z, y) — with p(z|y) = N(0, I)
//! the loss is the VAE's, −log p(x|z, y) + β · KL(q(z|x, y) ‖ p(z|y)). The label is given, so z
//! keeps what the label does not say: the style. A plain VAE of the same size trains beside it on
//! the same batches so the page can show what conditioning takes out of z (the 5-NN accuracy of
//! the labels from the codes falls towards chance).

mod on_device;
mod trainer;

pub use trainer::{
    ArithmeticView, CvaeAction, CvaeAnswer, CvaeDrawn, CvaeImages, CvaeTrainer, CvaeView, Pick,
    METRICS, SAMPLES_PER_CLASS, SWAP_ROWS,
};

use crate::choice_enum;
use crate::device::DeviceChoice;
use crate::param;
use crate::settings::{Notice, NoticeKind, Param, Settings};
use crate::vae::{Hidden, Likelihood};

choice_enum! {
    /// What the interpolation moves: z between two test digits with the label held, or the
    /// label between the two digits' labels with z held at the first one's code.
    pub enum Interp { Style = "style", Label = "label" }
}

#[derive(Clone, Debug, PartialEq)]
pub struct CvaeSettings {
    pub seed: u32,
    pub hidden: Hidden,
    /// The dimension of z: 2 draws the plane itself; above it the views show two chosen
    /// dimensions with the others held at `hold`, or (`hold_mu`) at the code μ of test digit
    /// `hold_digit` — a point the user picks on the page.
    pub latent: u32,
    pub beta: f64,
    pub lr: f64,
    pub batch: u32,
    pub likelihood: Likelihood,
    pub sigma: f64,
    /// The label of the decoded grid, of the drawn digit's posterior and of the held
    /// interpolation.
    pub class: u32,
    /// The two dimensions of z the pictures span, and the value every other one is held at.
    pub dim_x: u32,
    pub dim_y: u32,
    pub hold: f64,
    pub hold_mu: bool,
    pub hold_digit: u32,
    pub interp: Interp,
    pub from: u32,
    pub to: u32,
    pub alpha: f64,
    /// Latent arithmetic z_c + (z_a − z_b): each operand a test digit, or (with its `*_mean`)
    /// the mean code of that digit's class.
    pub a: u32,
    pub b: u32,
    pub c: u32,
    pub a_mean: bool,
    pub b_mean: bool,
    pub c_mean: bool,
    /// Where the steps run: the GPU (WebGPU in the page) when the browser offers one.
    pub device: DeviceChoice,
}

impl Default for CvaeSettings {
    fn default() -> Self {
        CvaeSettings {
            seed: 1,
            hidden: Hidden::H256,
            latent: 2,
            beta: 1.0,
            // The VAE lesson's measured rate (it sorts the digits within 10 epochs).
            lr: 3e-3,
            batch: 100,
            likelihood: Likelihood::Bernoulli,
            sigma: 1.0,
            class: 3,
            dim_x: 0,
            dim_y: 1,
            hold: 0.0,
            hold_mu: false,
            hold_digit: 0,
            interp: Interp::Style,
            // A 0 and a 1 of the test split (it is ordered by class), as in the VAE lesson.
            from: 50,
            to: 150,
            alpha: 0.5,
            // A thick 0 minus a thin one, added to a 6 (positions in the test split, which
            // is ordered by class).
            a: 20,
            b: 3,
            c: 650,
            a_mean: false,
            b_mean: false,
            c_mean: false,
            device: DeviceChoice::Cpu,
        }
    }
}

const PARAMS: &[Param<CvaeSettings>] = &[
    param!(int CvaeSettings, "seed", seed, 0, 4_294_967_295, Restart),
    param!(choice CvaeSettings, "hidden", hidden, Hidden, Restart),
    param!(int CvaeSettings, "latent", latent, 2, 16, Restart),
    param!(float CvaeSettings, "beta", beta, 0.0, 10.0, Live),
    param!(logfloat CvaeSettings, "lr", lr, 1e-5, 0.1, Live),
    param!(int CvaeSettings, "batch", batch, 1, 1000, Live),
    param!(choice CvaeSettings, "likelihood", likelihood, Likelihood, Live),
    param!(logfloat CvaeSettings, "sigma_x", sigma, 0.01, 10.0, Live),
    param!(int CvaeSettings, "class", class, 0, 9, Live),
    param!(int CvaeSettings, "dim_x", dim_x, 0, 15, Live),
    param!(int CvaeSettings, "dim_y", dim_y, 0, 15, Live),
    param!(float CvaeSettings, "hold", hold, -4.0, 4.0, Live),
    param!(flag CvaeSettings, "hold_mu", hold_mu, Live),
    param!(int CvaeSettings, "hold_digit", hold_digit, 0, 1004, Live),
    param!(choice CvaeSettings, "interp", interp, Interp, Live),
    param!(int CvaeSettings, "from", from, 0, 1004, Live),
    param!(int CvaeSettings, "to", to, 0, 1004, Live),
    param!(float CvaeSettings, "alpha", alpha, 0.0, 1.0, Live),
    param!(int CvaeSettings, "a", a, 0, 1004, Live),
    param!(int CvaeSettings, "b", b, 0, 1004, Live),
    param!(int CvaeSettings, "c", c, 0, 1004, Live),
    param!(flag CvaeSettings, "a_mean", a_mean, Live),
    param!(flag CvaeSettings, "b_mean", b_mean, Live),
    param!(flag CvaeSettings, "c_mean", c_mean, Live),
    // A new path is a new run from step 0: the curves of both paths can be compared.
    param!(choice CvaeSettings, "device", device, DeviceChoice, Restart),
];

impl CvaeSettings {
    pub fn output(&self) -> crate::autoencoder::model::Output {
        self.likelihood.output(self.sigma)
    }
}

impl Settings for CvaeSettings {
    fn params() -> &'static [Param<Self>] {
        PARAMS
    }

    /// The shown dimensions exist and differ: one past the latent is clamped into it, two
    /// equal ones are spread apart — each named.
    fn reconcile(&mut self, notices: &mut Vec<Notice>) {
        let last = self.latent - 1;
        for (key, dim) in [("dim_x", &mut self.dim_x), ("dim_y", &mut self.dim_y)] {
            if *dim > last {
                *dim = last;
                notices.push(Notice {
                    key: key.into(),
                    kind: NoticeKind::Adjusted {
                        why: crate::msg!(
                            "msg.cvae.dim_past_latent",
                            last as u64,
                            self.latent as u64
                        ),
                    },
                });
            }
        }
        if self.dim_x == self.dim_y {
            self.dim_y = if self.dim_x == 0 { 1 } else { self.dim_x - 1 };
            notices.push(Notice {
                key: "dim_y".into(),
                kind: NoticeKind::Adjusted {
                    why: crate::msg!("msg.cvae.same_dims", self.dim_y as u64),
                },
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{parse_query, to_query};

    #[test]
    fn defaults_round_trip_and_shown_dimensions_are_reconciled() {
        let s = CvaeSettings::default();
        let (back, notices) = parse_query::<CvaeSettings>(&to_query(&s), &[]);
        assert_eq!((back, notices.len()), (s, 0));
        let (s, notices) = parse_query::<CvaeSettings>("latent=4&dim_x=9&dim_y=3", &[]);
        assert_eq!((s.dim_x, s.dim_y), (3, 2));
        let keys: Vec<_> = notices.iter().map(|n| n.key.as_str()).collect();
        assert_eq!(keys, ["dim_x", "dim_y"]);
        let (s, _) = parse_query::<CvaeSettings>("latent=40", &[]);
        assert_eq!(s.latent, 16);
    }
}
