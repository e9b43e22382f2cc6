//! Messages for people (why a run stopped, why a setting was changed, why a file was refused),
//! named by a catalog key with their arguments rather than composed as English text, so the
//! page can show them in the reader's language. `Display` gives the English text, for the
//! command line and for logs; [`EN`] is the English catalog the page's translations follow.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Msg {
    pub key: String,
    pub args: Vec<Arg>,
}

/// One argument: `{0}`, `{1}`… in the template.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Arg {
    /// Shown as it is (a setting's name, a count, a list).
    Text(String),
    /// A measured number: the page formats it for the reader (decimal comma).
    Num(f64),
    /// A message inside a message ("Sinkhorn cannot run on these clouds: {0}").
    Msg(Box<Msg>),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Text(s.to_string())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Text(s)
    }
}
impl From<u64> for Arg {
    fn from(n: u64) -> Self {
        Arg::Text(n.to_string())
    }
}
impl From<usize> for Arg {
    fn from(n: usize) -> Self {
        Arg::Text(n.to_string())
    }
}
impl From<f64> for Arg {
    fn from(x: f64) -> Self {
        Arg::Num(x)
    }
}
impl From<Msg> for Arg {
    fn from(m: Msg) -> Self {
        Arg::Msg(Box::new(m))
    }
}

/// `msg!("emd.no_points")`, `msg!("gan.diverged", loss, step)`.
#[macro_export]
macro_rules! msg {
    ($key:literal $(, $arg:expr)* $(,)?) => {
        $crate::msg::Msg {
            key: $key.to_string(),
            args: vec![$($crate::msg::Arg::from($arg)),*],
        }
    };
}

impl Msg {
    /// The text of this message and of the messages inside it: each template from `catalog`
    /// (the key itself if missing there), numbers written by `num`.
    pub fn render(
        &self,
        catalog: &dyn Fn(&str) -> Option<&'static str>,
        num: &dyn Fn(f64) -> String,
    ) -> String {
        let mut out = catalog(&self.key).unwrap_or(&self.key).to_string();
        for (i, a) in self.args.iter().enumerate() {
            let text = match a {
                Arg::Text(t) => t.clone(),
                Arg::Num(x) => num(*x),
                Arg::Msg(m) => m.render(catalog, num),
            };
            out = out.replace(&format!("{{{i}}}"), &text);
        }
        out
    }
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(&english, &|x| format!("{x}")))
    }
}

pub fn english(key: &str) -> Option<&'static str> {
    EN.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// Every message the model code can send to a person, in English.
pub const EN: &[(&str, &str)] = &[
    // Runs that stop
    ("msg.gan.d_nan", "the discriminator went non-finite (NaN or ∞): is the learning rate too high?"),
    ("msg.gan.g_nan", "the generator went non-finite (NaN or ∞): is the learning rate too high?"),
    ("msg.gan.d_exploded", "the discriminator's weights exploded (beyond 1e8): is the learning rate too high?"),
    ("msg.gan.g_exploded", "the generator's weights exploded (beyond 1e8): is the learning rate too high?"),
    ("msg.vae.nan", "the loss became NaN at step {0}: the learning rate {1} is too high for this run"),
    ("msg.vae.infinite", "the loss became infinite at step {0}: the learning rate {1} is too high for this run"),
    ("msg.rbm.diverged", "the weights went non-finite or exploded: is the learning rate too high?"),
    ("msg.sinkhorn.diverged", "Sinkhorn's marginal error is not finite"),
    ("msg.session.diverged", "the run diverged (NaN or ∞): reset it, perhaps with a smaller learning rate"),
    ("msg.session.no_lesson", "no lesson is running yet: send Init first"),
    ("msg.session.malformed", "malformed command: {0}"),
    ("msg.session.pause_first", "pause before stepping"),
    ("msg.session.step_behind", "that step is already behind us: reset first"),
    ("msg.lesson.not_built", "the {0} lesson is not built yet"),
    // Transport
    ("msg.ot.no_points", "there are no points"),
    ("msg.ot.bad_mass", "a mass is negative or not a number"),
    ("msg.ot.zero_mass", "the total mass is zero"),
    ("msg.ot.bad_cost", "the cost matrix is not finite"),
    ("msg.ot.unmatched", "no augmenting path: the masses could not be matched"),
    ("msg.ot.bad_p", "the exponent p must be a number ≥ 1"),
    ("msg.ot.bad_point", "a point has a coordinate that is not a number"),
    ("msg.ot.bad_eps", "ε must be a positive number (ε = 0 is the exact problem: use the exact solver)"),
    ("msg.ot.bad_sigma", "the bandwidth σ must be a positive number"),
    ("msg.ot.bad_imq_scale", "the inverse multiquadric kernel's scale C must be a positive number"),
    ("msg.langevin.diverged", "a particle left the plane at step size {0}: the step is too large for this landscape (the particles are kept where they were); lower λ and play on"),
    ("msg.langevin.bad_wells", "{0} unreadable well(s) left out (each is x,y,σ,weight)"),
    ("msg.langevin.wells_clamped", "a well's centre was moved onto the plane (±{0}), or its σ or weight into range"),
    ("msg.boltzmann.too_many_units", "{0} units are too many to enumerate every state exactly; at most {1}"),
    ("msg.boltzmann.sigma_held", "a σ was driven below {0} and held there at {1} update(s): with a variance near zero a point sitting on a component's mean has unbounded likelihood"),
    ("msg.boltzmann.diverged", "a machine's weights went non-finite or past ±200 (too large to enumerate): lower the learning rate and reset"),
    ("msg.wae.supervised_ring", "the supervised prior ties each class to one of the ring's ten components: it needs the ring prior, so it is off"),
    ("msg.wae.diverged", "a regulariser's lane went non-finite (a discriminator or a weight λ too strong for the learning rate): lower the learning rate or λ and reset"),
    ("msg.wae.no_twin", "this device has no twin for the latent-shaping lanes: they train on the CPU"),
    ("msg.dbn.no_twin", "this device has no twin for a DBN layer: the stack trains on the CPU"),
    ("msg.ot.mmd_two_points", "the unbiased estimate needs at least two points on each side"),
    ("msg.ot.sinkhorn_blocked", "Sinkhorn cannot run on these clouds: {0}"),
    ("msg.ot.masses_zeroed", "negative or non-numeric masses were set to 0"),
    ("msg.ot.bad_points", "{0} unreadable point(s) left out"),
    ("msg.ot.bins_cut", "only the first {0} bins are used: {1} more left out"),
    ("msg.ot.masses_capped", "masses above {0} were set to {0}"),
    ("msg.ot.points_clamped", "coordinates outside ±{0} were moved to the edge"),
    ("msg.rbm.exact_too_big", "the exact gradient sums over 2^d states, at most {0} movies: this data has {1}, so the run uses CD-k"),
    ("msg.ot.bad_covariance", "set to {0}: a covariance needs |s_xy| < √(s_xx·s_yy)"),
    // RBM
    ("msg.rbm.bad_rows", "rows {0} do not have one 0/1 per movie: their unreadable ratings were set to 0"),
    ("msg.rbm.no_users", "There are no users in the data: add at least one (or reset to the lecture's data) to train."),
    ("msg.rbm.no_movies", "There are no movies in the data."),
    ("msg.rbm.fill_length", "the new user needs {0} ratings (1, 0 or ?), got {1}"),
    ("msg.rbm.no_unit", "there is no hidden unit {0}"),
    ("msg.rbm.too_many_unknown", "too many unknown ratings to sum over exactly"),
    // VAE
    ("msg.vae.not_loaded", "the digits are not loaded"),
    ("msg.gpu.lost", "the GPU device was lost; training went on from step {0} on the CPU"),
    ("msg.vae.posterior_failed", "the exact posterior could not be computed for this digit: the decoder gives it no finite likelihood anywhere on the grid"),
    ("msg.drawing.empty", "the pad is empty: draw a digit first"),
    ("msg.drawing.full", "the pad is almost all ink: clear it and draw a digit"),
    ("msg.drawing.size", "a drawing of {0} values does not fill a {1} × {2} pad"),
    ("msg.gpu.adam_only", "the GPU path trains with Adam only: optimiser {0} runs on the CPU (choose adam to train on the GPU)"),
    ("msg.gpu.no_webgpu", "this browser offers no WebGPU"),
    ("msg.gpu.no_adapter", "no GPU adapter: {0}"),
    ("msg.gpu.browser_no_adapter", "this browser has WebGPU but gives no GPU adapter (WebGPU may be switched off, or the GPU blocklisted)"),
    ("msg.gpu.no_device", "the GPU adapter gave no device: {0}"),
    ("msg.rbm_mnist.nan", "a weight became NaN at step {0}: the learning rate {1} is too high for this run"),
    ("msg.dbn.h3_raised", "a third layer of {0} units is raised to {1}, the narrowest a layer can be (0: no third layer)"),
    ("msg.dbn.nan", "layer {0} went non-finite at step {1}: the learning rate {2} is too high for this run"),
    ("msg.dbn.finetune_nan", "the fine-tuned classifiers went non-finite at step {0}: the fine-tuning step size {1} is too high"),
    ("msg.gpu.lost_earlier", "the GPU device was lost earlier on this page; reload the page to try it again"),
    ("msg.gpu.batch_limited", "this device holds at most {0} images per batch: training with {0} instead of {1}"),
    ("msg.vae.load_failed", "The digits could not be loaded: {0}"),
    ("msg.vae.no_training", "there are no training digits"),
    ("msg.vae.bad_z", "that latent point is not a number"),
    ("msg.cvae.dim_past_latent", "set to {0}: z has {1} dimensions, numbered from 0 to {0}"),
    ("msg.cvae.same_dims", "set to {0}: the two dimensions shown must differ"),
    ("msg.cvae.posterior_2d", "the exact posterior is summed on a grid over a 2-D latent space; this run's z has {0} dimensions (set the latent size to 2)"),
    ("msg.digits.bad_header", "this is not a genlab digits file (wrong header)"),
    ("msg.digits.bad_size", "the digits are {0}×{1}, expected 28×28"),
    ("msg.digits.bad_length", "the digits file holds {0} bytes, expected {1} for {2} digits"),
    ("msg.digits.not_gzip", "the digits file is damaged (not a valid gzip stream)"),
    ("msg.digits.bad_label", "a digit is labelled {0}, outside 0–9"),
    ("msg.digits.checksum", "the digits file is damaged (checksum mismatch)"),
    ("msg.digits.fetch", "{0}"),
    ("msg.fetch.failed", "the download failed ({0})"),
    ("msg.fetch.no_response", "the download gave no response"),
    ("msg.fetch.status", "the server answered {0} for {1}"),
    ("msg.fetch.empty", "the download was empty"),
    ("msg.fetch.unreadable", "cannot read the download"),
    ("msg.fetch.broken", "the download broke off ({0})"),
    // Exported runs
    ("msg.app.lecture_invalid", "“{0}” is not a lecture's name; lecture mode is off"),
    ("msg.app.scene_invalid", "“{0}” is not a scene number; the first scene is shown"),
    ("msg.lecture.too_big", "the file is {0} MB; a genlab lecture is at most {1} MB"),
    ("msg.lecture.not_json", "this is not a genlab lecture file (not JSON: {0})"),
    ("msg.lecture.not_ours", "this is not a genlab lecture file (it does not say \"format\": \"genlab-lecture\")"),
    ("msg.lecture.foreign", "this is a \"{0}\" file, not a genlab lecture"),
    ("msg.lecture.newer", "the file was written by a newer genlab (format version {0}; this one reads up to {1})"),
    ("msg.lecture.no_version", "the file has no format version"),
    ("msg.lecture.damaged", "the lecture file is damaged: {0}"),
    ("msg.lecture.edited", "the file's checksum does not match its content: it was edited or damaged"),
    ("msg.lecture.no_title", "the lecture has no title"),
    ("msg.lecture.too_long", "the {0} is longer than {1} characters"),
    ("msg.lecture.lang", "the language \"{0}\" is not one genlab speaks (en, pl, ru)"),
    ("msg.lecture.no_scenes", "the lecture has no scenes"),
    ("msg.lecture.too_many", "the lecture has {0} scenes; at most {1} are allowed"),
    ("msg.lecture.scene", "scene {0}: {1}"),
    ("msg.lecture.focus", "\"{0}\" is not the name of a panel"),
    ("msg.lecture.step", "step {0} is beyond the limit of {1}"),
    ("msg.lecture.speed", "speed {0} is neither 0 (the lesson's own) nor between 1 and 10000 steps/s"),
    ("msg.lecture.link_damaged", "the link is damaged or cut short ({0})"),
    ("msg.lecture.no_lesson", "genlab has no lesson \"{0}\""),
    ("msg.lecture.bad_settings", "the lesson no longer has these settings, or cannot read them: {0}"),
    ("msg.lecture.not_found", "there is no lecture \"{0}\" in this browser"),
    ("msg.lecture.storage", "your saved lectures could not be read ({0}); they were kept aside, untouched"),
    ("msg.lecture.storage_full", "the browser refused to save the lectures ({0})"),
    ("msg.run.too_big", "the file is {0} MB; a genlab run is at most {1} MB"),
    ("msg.run.not_json", "this is not a genlab run file (not JSON: {0})"),
    ("msg.run.not_ours", "this is not a genlab run file (it does not say \"format\": \"genlab-run\")"),
    ("msg.run.newer", "the file was written by a newer genlab (format version {0}; this one reads up to {1})"),
    ("msg.run.no_version", "the file has no format version"),
    ("msg.run.damaged", "the run file is damaged: {0}"),
    ("msg.run.seed_edited", "the file's seed does not match its settings: it was edited"),
    ("msg.run.row_length", "the file's history row at step {0} has {1} values for {2} metrics"),
    ("msg.run.order", "the file's history is out of order at step {0}"),
    ("msg.run.state_damaged", "the file's trained state is damaged: {0}"),
    ("msg.run.length", "the file's {0} has {1} numbers where these settings need {2}"),
    ("msg.run.not_finite", "the file's {0} holds NaN or ∞ (number {1})"),
    ("msg.run.optimizer", "the file's {0} optimiser is {1}, these settings use {2}"),
    ("msg.run.other_lesson", "this file holds a run of the “{0}” lesson; open that lesson to import it"),
    ("msg.run.other_metrics", "the file's metrics are not this lesson's: it was made by another version of genlab"),
    ("msg.run.step", "the file says step {0} but its state is at step {1}"),
    ("msg.run.lanes", "the file's lanes are not the ones these settings train ({0} where {1} runs)"),
    ("msg.run.chains", "the file's persistent chains do not fit these settings"),
    ("msg.run.order_rbm", "the file's batch order does not fit this data"),
    ("msg.run.order_vae", "the file's batch order does not fit these digits"),
    ("msg.run.scores_ahead", "the file's test scores are from a later step than its run"),
    ("msg.app.speed_invalid", "“{0}” is not a number of steps per second: the lesson plays at its default speed"),
    ("msg.app.lang_unknown", "there is no language “{0}” here: genlab speaks en, pl and ru"),
    ("msg.app.projector_invalid", "“{0}” is neither on (1) nor off (0): projector mode stays off"),
    ("msg.app.embed_unknown", "this lesson has no setting {0}: the lesson is shown whole"),
    ("msg.app.embed_some_unknown", "this lesson has no setting {0}: only the others are shown"),
    ("msg.rbm.users_empty", "the list of users is empty: the table has no users to train on"),
    ("msg.rbm.names_cut", "names longer than {0} characters were cut: {1}"),
    ("msg.run.sinkhorn", "Sinkhorn cannot run on the file's clouds: {0}"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_text_fills_arguments_and_nests() {
        let inner = msg!("msg.ot.zero_mass");
        let outer = msg!("msg.ot.sinkhorn_blocked", inner);
        assert_eq!(
            outer.to_string(),
            "Sinkhorn cannot run on these clouds: the total mass is zero"
        );
        let m = msg!("msg.vae.nan", 12u64, 0.5);
        assert_eq!(
            m.to_string(),
            "the loss became NaN at step 12: the learning rate 0.5 is too high for this run"
        );
    }

    #[test]
    fn keys_are_unique_and_placeholders_numbered_from_zero() {
        let mut keys: Vec<&str> = EN.iter().map(|(k, _)| *k).collect();
        keys.sort_unstable();
        let n = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), n, "duplicate keys");
        for (k, t) in EN {
            let count = (0..10).filter(|i| t.contains(&format!("{{{i}}}"))).count();
            for i in 0..count {
                assert!(t.contains(&format!("{{{i}}}")), "{k}: gap before {{{i}}}");
            }
        }
    }

    /// Every key the model code sends exists in the English catalog (a typo would show the
    /// bare key), and every catalog entry is sent from somewhere.
    #[test]
    fn every_key_sent_is_in_the_catalog_and_back() {
        fn sources(dir: &std::path::Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    sources(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && !path.ends_with("msg.rs")
                    // The page's translations name every key; they are checked in the page.
                    && !path.to_string_lossy().contains("/i18n/")
                {
                    out.push(std::fs::read_to_string(&path).unwrap());
                }
            }
        }
        let mut texts = vec![];
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        sources(&root.join("src"), &mut texts);
        sources(&root.join("../genlab-cli/src"), &mut texts);
        // The GPU's reasons for a CPU fallback.
        sources(&root.join("../genlab-gpu/src"), &mut texts);
        // The worker sends the download's messages.
        sources(&root.join("../../src"), &mut texts);
        let mut used = std::collections::BTreeSet::new();
        for t in &texts {
            for (i, _) in t.match_indices("\"msg.") {
                let key: String = t[i + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '_')
                    .collect();
                used.insert(key);
            }
        }
        for key in &used {
            assert!(
                english(key).is_some(),
                "{key} is sent but not in the catalog"
            );
        }
        for (key, _) in EN {
            assert!(
                used.contains(*key),
                "{key} is in the catalog but never sent"
            );
        }
    }
}
