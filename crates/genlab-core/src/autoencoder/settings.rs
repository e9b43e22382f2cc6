//! The autoencoder lesson's settings: one typed struct, its defaults and its parameter table
//! (every field lives in the URL). The variant a student picks is the network's shape, the
//! regulariser on the code and the corruption of the input.

use super::corrupt::{Corrupt, Corruption};
use super::model::{Act, AeShape, Output};
use super::penalty::{Penalty, PenaltyKind};
use crate::choice_enum;
use crate::device::DeviceChoice;
use crate::digits::data::PIXELS;
use crate::nn::OptimizerKind;
use crate::param;
use crate::settings::{Param, Settings};

choice_enum! {
    /// Hidden layers between the pixels and the code (the decoder mirrors them). With none, the
    /// encoder's filters are 28 × 28 pictures and the contractive penalty is the Jacobian with
    /// respect to the pixels.
    pub enum Depth { Zero = "0", One = "1", Two = "2" }
}

choice_enum! {
    /// Width of each hidden layer.
    pub enum Width { W64 = "64", W128 = "128", W256 = "256", W512 = "512", W1000 = "1000" }
}

choice_enum! {
    /// The regulariser a student puts on the code: those of a point code (the KL term is the
    /// VAE lesson's, on its Gaussian code).
    pub enum CodePenalty { None = "none", Sparse = "sparse", Contractive = "contractive" }
}

impl CodePenalty {
    pub fn kind(self) -> PenaltyKind {
        match self {
            CodePenalty::None => PenaltyKind::None,
            CodePenalty::Sparse => PenaltyKind::Sparse,
            CodePenalty::Contractive => PenaltyKind::Contractive,
        }
    }
}

impl Width {
    pub fn units(self) -> usize {
        match self {
            Width::W64 => 64,
            Width::W128 => 128,
            Width::W256 => 256,
            Width::W512 => 512,
            Width::W1000 => 1000,
        }
    }
}

choice_enum! {
    /// The lesson's two outputs (lecture 004's pairs): the family's Gaussian likelihood is the
    /// VAE lessons' choice.
    pub enum AeOutput {
        /// Sigmoid output, Bernoulli cross-entropy.
        Bernoulli = "bernoulli",
        /// Linear output, squared error (PCA's measure).
        Squared = "squared",
    }
}

impl AeOutput {
    pub fn output(self) -> Output {
        match self {
            AeOutput::Bernoulli => Output::Bernoulli,
            AeOutput::Squared => Output::Squared,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct AutoencoderSettings {
    pub seed: u32,
    /// Code size: below 784 undercomplete, above it overcomplete.
    pub code: u32,
    pub depth: Depth,
    pub width: Width,
    pub act: Act,
    pub code_act: Act,
    pub tied: bool,
    pub output: AeOutput,
    pub penalty: CodePenalty,
    /// The penalty's weight λ.
    pub lambda: f64,
    pub corruption: Corruption,
    /// σ of the Gaussian noise, or p of masking and salt and pepper.
    pub noise: f64,
    pub optimizer: OptimizerKind,
    pub lr: f64,
    pub batch: u32,
    /// Train every variant side by side (plain, sparse, denoising, contractive, linear) from the
    /// same initial weights and batches.
    pub lanes: bool,
    /// Where the steps run; every variant (and every side-by-side lane) has a GPU twin.
    pub device: DeviceChoice,
    /// The denoising demo: which test digit, corrupted how and how much. The page's own
    /// controls — training never reads them — kept here so the address holds them too.
    pub demo_digit: u32,
    pub demo_corruption: Corruption,
    pub demo_level: f64,
}

impl Default for AutoencoderSettings {
    fn default() -> Self {
        AutoencoderSettings {
            seed: 1,
            code: 32,
            depth: Depth::Zero,
            width: Width::W256,
            act: Act::Sigmoid,
            code_act: Act::Sigmoid,
            tied: false,
            output: AeOutput::Bernoulli,
            penalty: CodePenalty::None,
            // Measured on the digits (../shared/FINDINGS.md): λ = 0.1 cuts a sigmoid code's
            // sensitivity by about 30 % for under 2 nats of reconstruction.
            lambda: 0.1,
            corruption: Corruption::None,
            noise: 0.3,
            optimizer: OptimizerKind::Adam,
            lr: 2e-3,
            batch: 64,
            lanes: false,
            device: DeviceChoice::Cpu,
            demo_digit: 0,
            demo_corruption: Corruption::Masking,
            demo_level: 0.3,
        }
    }
}

const PARAMS: &[Param<AutoencoderSettings>] = &[
    param!(int AutoencoderSettings, "seed", seed, 0, 4_294_967_295, Restart),
    param!(int AutoencoderSettings, "code", code, 1, 1024, Restart),
    param!(choice AutoencoderSettings, "depth", depth, Depth, Restart),
    param!(choice AutoencoderSettings, "width", width, Width, Restart),
    param!(choice AutoencoderSettings, "act", act, Act, Restart),
    param!(choice AutoencoderSettings, "code_act", code_act, Act, Restart),
    param!(flag AutoencoderSettings, "tied", tied, Restart),
    param!(choice AutoencoderSettings, "output", output, AeOutput, Restart),
    param!(choice AutoencoderSettings, "penalty", penalty, CodePenalty, Live),
    param!(float AutoencoderSettings, "lambda", lambda, 0.0, 10.0, Live),
    param!(choice AutoencoderSettings, "corruption", corruption, Corruption, Live),
    param!(float AutoencoderSettings, "level", noise, 0.0, 1.0, Live),
    param!(choice AutoencoderSettings, "optimizer", optimizer, OptimizerKind, Restart),
    param!(logfloat AutoencoderSettings, "lr", lr, 1e-5, 0.1, Live),
    param!(int AutoencoderSettings, "batch", batch, 1, 1000, Live),
    param!(flag AutoencoderSettings, "compare", lanes, Restart),
    param!(choice AutoencoderSettings, "device", device, DeviceChoice, Restart),
    // The bundled digits' test split holds 1,005 digits (positions beyond it use the last).
    param!(int AutoencoderSettings, "digit", demo_digit, 0, 1004, Live),
    param!(choice AutoencoderSettings, "demo_noise", demo_corruption, Corruption, Live),
    param!(float AutoencoderSettings, "demo_level", demo_level, 0.0, 1.0, Live),
];

impl Settings for AutoencoderSettings {
    fn params() -> &'static [Param<Self>] {
        PARAMS
    }
}

impl AutoencoderSettings {
    pub fn shape(&self) -> AeShape {
        let hidden = vec![self.width.units(); self.depth as usize];
        AeShape {
            input: PIXELS,
            hidden,
            code: self.code as usize,
            act: self.act,
            code_act: self.code_act,
            tied: self.tied,
            output: self.output.output(),
            latent: crate::autoencoder::latent::Latent::Point,
            condition: 0,
        }
    }

    pub fn penalty(&self) -> Penalty {
        Penalty {
            kind: self.penalty.kind(),
            lambda: self.lambda,
        }
    }

    pub fn corrupt(&self) -> Corrupt {
        Corrupt {
            kind: self.corruption,
            level: self.noise,
        }
    }

    /// Whether the code is wider than the input.
    pub fn overcomplete(&self) -> bool {
        self.code as usize > PIXELS
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{parse_query, to_query, NoticeKind};

    #[test]
    fn defaults_round_trip_through_the_address() {
        let s = AutoencoderSettings::default();
        let (back, notices) = parse_query::<AutoencoderSettings>(&to_query(&s), &[]);
        assert_eq!(back, s);
        assert!(notices.is_empty(), "{notices:?}");
    }

    #[test]
    fn out_of_range_values_are_clamped_and_named() {
        let (s, notices) =
            parse_query::<AutoencoderSettings>("code=5000&level=3&lambda=-1&depth=7", &[]);
        assert_eq!((s.code, s.noise, s.lambda), (1024, 1.0, 0.0));
        assert_eq!(s.depth, Depth::Zero);
        let named: Vec<_> = notices.iter().map(|n| n.key.as_str()).collect();
        assert_eq!(named, ["code", "level", "lambda", "depth"]);
        assert!(matches!(notices[0].kind, NoticeKind::Clamped { .. }));
        assert!(matches!(notices[3].kind, NoticeKind::Invalid { .. }));
        assert!(s.overcomplete());
    }

    #[test]
    fn the_settings_build_the_network_they_name() {
        let (s, _) = parse_query::<AutoencoderSettings>(
            "depth=2&width=128&code=30&tied=1&output=squared&act=relu&code_act=linear",
            &[],
        );
        assert_eq!(
            s.shape(),
            AeShape {
                input: PIXELS,
                hidden: vec![128, 128],
                code: 30,
                act: Act::Relu,
                code_act: Act::Linear,
                tied: true,
                output: Output::Squared,
                latent: crate::autoencoder::latent::Latent::Point,
                condition: 0,
            }
        );
    }
}
