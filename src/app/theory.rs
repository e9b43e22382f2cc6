//! The theory beside each demo: the formulas the lesson runs, as MathML (rendered by the browser
//! itself, no math library), with the run's current values substituted where it helps. Each
//! panel names the lecture it follows.

use leptos::prelude::*;

use super::controls::fmt_num;
use crate::i18n::{tr, Lang};

/// A number as MathML (`—` when not defined yet).
fn mn(x: f64) -> String {
    format!("<mn>{}</mn>", fmt_num(x))
}

fn block(inner: &str) -> String {
    format!("<math display=\"block\"><mrow>{inner}</mrow></math>")
}

/// A collapsible panel: its title, the lecture it follows, and MathML rows from `rows`, which is
/// re-run as the values change.
#[component]
pub fn TheoryPanel(
    /// Catalog key of the lecture reference (e.g. "theory.gan.source").
    source: String,
    /// MathML rows (one `<math>` each) with the current values.
    rows: Signal<Vec<String>>,
) -> impl IntoView {
    let lang = use_context::<RwSignal<Lang>>().unwrap_or(RwSignal::new(Lang::En));
    // Parsed only while open, and only when the text changed: a snapshot arrives 30 times a
    // second and re-parsing unchanged MathML each time costs the page milliseconds per frame.
    let open = RwSignal::new(false);
    let html = Memo::new(move |_| {
        if open.get() {
            rows.get().join("")
        } else {
            String::new()
        }
    });
    // The open state is the signal's: a page swap may rebuild this panel in place, and a
    // folded `<details>` left open from the last lesson would show none of this one's formulas.
    view! {
        <details class="theory" data-testid="theory" prop:open=move || open.get()
            on:toggle=move |e| open.set(crate::charts::details_open(&e))>
            <summary>{move || tr(lang.get(), "theory.title")}</summary>
            <p class="hint">{move || tr(lang.get(), &source)}</p>
            <div class="formulas" inner_html=move || html.get()></div>
        </details>
    }
}

/// GAN (lecture 003): the value function, at the current D and G; the optimal discriminator.
pub fn gan_rows(value: Option<f64>) -> Vec<String> {
    let v = value.map(mn).unwrap_or_else(|| "<mi>…</mi>".into());
    vec![
        block(&format!(
            "<mi>V</mi><mo>(</mo><mi>D</mi><mo>,</mo><mi>G</mi><mo>)</mo><mo>=</mo>\
             <msub><mi>𝔼</mi><mrow><mi>x</mi><mo>∼</mo><msub><mi>p</mi><mtext>data</mtext></msub></mrow></msub>\
             <mi>log</mi><mi>D</mi><mo>(</mo><mi>x</mi><mo>)</mo><mo>+</mo>\
             <msub><mi>𝔼</mi><mi>z</mi></msub><mi>log</mi><mo>(</mo><mn>1</mn><mo>−</mo><mi>D</mi><mo>(</mo><mi>G</mi><mo>(</mo><mi>z</mi><mo>)</mo><mo>)</mo><mo>)</mo>\
             <mo>=</mo><mrow data-testid=\"theory-value\">{v}</mrow>"
        )),
        block(&format!(
            "<msup><mi>D</mi><mo>*</mo></msup><mo>(</mo><mi>x</mi><mo>)</mo><mo>=</mo>\
             <mfrac><mrow><msub><mi>p</mi><mtext>data</mtext></msub><mo>(</mo><mi>x</mi><mo>)</mo></mrow>\
             <mrow><msub><mi>p</mi><mtext>data</mtext></msub><mo>(</mo><mi>x</mi><mo>)</mo><mo>+</mo><msub><mi>p</mi><mi>g</mi></msub><mo>(</mo><mi>x</mi><mo>)</mo></mrow></mfrac>\
             <mo>,</mo><mspace width=\"1em\"/>\
             <mi>V</mi><mo>(</mo><msup><mi>D</mi><mo>*</mo></msup><mo>,</mo><mi>G</mi><mo>)</mo><mo>=</mo><mo>−</mo><mi>log</mi><mn>4</mn><mo>+</mo><mn>2</mn><mo>·</mo><mtext>JSD</mtext><mo>(</mo><msub><mi>p</mi><mtext>data</mtext></msub><mo>‖</mo><msub><mi>p</mi><mi>g</mi></msub><mo>)</mo>\
             <mo>≥</mo><mo>−</mo><mi>log</mi><mn>4</mn><mo>≈</mo>{}",
            mn(-(4f64.ln()))
        )),
    ]
}

/// RBM (lecture 000): energy and free energy of one user at the current weights; the CD update.
pub fn rbm_rows(user: Option<(String, f64, f64)>, ll: Option<f64>) -> Vec<String> {
    let (name, e, f) = match user {
        Some((n, e, f)) => (n, mn(e), mn(f)),
        None => ("v".into(), "<mi>…</mi>".into(), "<mi>…</mi>".into()),
    };
    let name = name.replace(['<', '>', '&'], "");
    vec![
        block(&format!(
            "<mi>E</mi><mo>(</mo><mi>v</mi><mo>,</mo><mi>h</mi><mo>)</mo><mo>=</mo><mo>−</mo>\
             <msup><mi>v</mi><mi>T</mi></msup><mi>W</mi><mi>h</mi><mo>−</mo><msup><mi>b</mi><mi>T</mi></msup><mi>v</mi><mo>−</mo><msup><mi>c</mi><mi>T</mi></msup><mi>h</mi>\
             <mo>;</mo><mspace width=\"1em\"/><mi>E</mi><mo>(</mo><mtext>{name}</mtext><mo>,</mo><msup><mi>h</mi><mo>*</mo></msup><mo>)</mo><mo>=</mo>{e}"
        )),
        block(&format!(
            "<mi>F</mi><mo>(</mo><mi>v</mi><mo>)</mo><mo>=</mo><mo>−</mo><msup><mi>b</mi><mi>T</mi></msup><mi>v</mi><mo>−</mo>\
             <munder><mo>∑</mo><mi>j</mi></munder><mi>log</mi><mo>(</mo><mn>1</mn><mo>+</mo>\
             <msup><mi>e</mi><mrow><msub><mi>c</mi><mi>j</mi></msub><mo>+</mo><msub><mrow><mo>(</mo><msup><mi>v</mi><mi>T</mi></msup><mi>W</mi><mo>)</mo></mrow><mi>j</mi></msub></mrow></msup><mo>)</mo>\
             <mo>;</mo><mspace width=\"1em\"/><mi>F</mi><mo>(</mo><mtext>{name}</mtext><mo>)</mo><mo>=</mo><mrow data-testid=\"theory-free-energy\">{f}</mrow>"
        )),
        block(
            "<mi>Δ</mi><mi>W</mi><mo>=</mo><mi>η</mi><mo>(</mo>\
             <msub><mrow><mo>⟨</mo><mi>v</mi><msup><mi>h</mi><mi>T</mi></msup><mo>⟩</mo></mrow><mtext>data</mtext></msub><mo>−</mo>\
             <msub><mrow><mo>⟨</mo><mi>v</mi><msup><mi>h</mi><mi>T</mi></msup><mo>⟩</mo></mrow><mtext>recon</mtext></msub><mo>)</mo>",
        ),
        block(&format!(
            "<mfrac><mn>1</mn><mi>N</mi></mfrac><munder><mo>∑</mo><mi>n</mi></munder><mi>ln</mi><mi>p</mi><mo>(</mo><msup><mi>v</mi><mrow><mo>(</mo><mi>n</mi><mo>)</mo></mrow></msup><mo>)</mo><mo>=</mo>{}",
            ll.map(mn).unwrap_or_else(|| "<mi>…</mi>".into())
        )),
    ]
}

/// RBM on MNIST (lecture 004's CD slide, lecture 000's gradient): the energy in the slide's
/// letters (a visible, b hidden biases), the factorised conditionals, the free energy with the
/// run's mean on train and test digits, the likelihood gradient, and the CD-k update at the
/// current ε and k.
pub fn rbm_mnist_rows(
    free_train: Option<f64>,
    free_test: Option<f64>,
    lr: f64,
    k: u32,
    persistent: bool,
) -> Vec<String> {
    let opt = |x: Option<f64>| x.map(mn).unwrap_or_else(|| "<mi>…</mi>".into());
    let chain = if persistent { "PCD" } else { "CD" };
    vec![
        block(
            "<mi>E</mi><mo>(</mo><mi>x</mi><mo>,</mo><mi>h</mi><mo>)</mo><mo>=</mo><mo>−</mo>             <munder><mo>∑</mo><mi>i</mi></munder><msub><mi>a</mi><mi>i</mi></msub><msub><mi>x</mi><mi>i</mi></msub><mo>−</mo>             <munder><mo>∑</mo><mi>j</mi></munder><msub><mi>b</mi><mi>j</mi></msub><msub><mi>h</mi><mi>j</mi></msub><mo>−</mo>             <munder><mo>∑</mo><mrow><mi>i</mi><mo>,</mo><mi>j</mi></mrow></munder><msub><mi>x</mi><mi>i</mi></msub><msub><mi>w</mi><mrow><mi>i</mi><mi>j</mi></mrow></msub><msub><mi>h</mi><mi>j</mi></msub>             <mo>,</mo><mspace width=\"1em\"/><mi>p</mi><mo>(</mo><mi>x</mi><mo>,</mo><mi>h</mi><mo>)</mo><mo>=</mo>             <mfrac><mn>1</mn><mi>Z</mi></mfrac><msup><mi>e</mi><mrow><mo>−</mo><mi>E</mi><mo>(</mo><mi>x</mi><mo>,</mo><mi>h</mi><mo>)</mo></mrow></msup>",
        ),
        block(
            "<mi>P</mi><mo>(</mo><msub><mi>h</mi><mi>j</mi></msub><mo>=</mo><mn>1</mn><mo>|</mo><mi>x</mi><mo>)</mo><mo>=</mo>             <mi>σ</mi><mo>(</mo><msubsup><mi>w</mi><mi>j</mi><mi>T</mi></msubsup><mi>x</mi><mo>+</mo><msub><mi>b</mi><mi>j</mi></msub><mo>)</mo><mo>,</mo><mspace width=\"1em\"/>             <mi>P</mi><mo>(</mo><msub><mi>x</mi><mi>i</mi></msub><mo>=</mo><mn>1</mn><mo>|</mo><mi>h</mi><mo>)</mo><mo>=</mo>             <mi>σ</mi><mo>(</mo><msub><mi>w</mi><mi>i</mi></msub><mi>h</mi><mo>+</mo><msub><mi>a</mi><mi>i</mi></msub><mo>)</mo>",
        ),
        block(&format!(
            "<mi>F</mi><mo>(</mo><mi>x</mi><mo>)</mo><mo>=</mo><mo>−</mo><msup><mi>a</mi><mi>T</mi></msup><mi>x</mi><mo>−</mo>             <munder><mo>∑</mo><mi>j</mi></munder><mi>log</mi><mo>(</mo><mn>1</mn><mo>+</mo>             <msup><mi>e</mi><mrow><msubsup><mi>w</mi><mi>j</mi><mi>T</mi></msubsup><mi>x</mi><mo>+</mo><msub><mi>b</mi><mi>j</mi></msub></mrow></msup><mo>)</mo>             <mo>,</mo><mspace width=\"0.5em\"/><mi>p</mi><mo>(</mo><mi>x</mi><mo>)</mo><mo>=</mo><mfrac><msup><mi>e</mi><mrow><mo>−</mo><mi>F</mi><mo>(</mo><mi>x</mi><mo>)</mo></mrow></msup><mi>Z</mi></mfrac>             <mo>;</mo><mspace width=\"1em\"/><mover><mi>F</mi><mo>‾</mo></mover><mtext> train</mtext><mo>=</mo><mrow data-testid=\"theory-free-train\">{}</mrow><mo>,</mo>             <mspace width=\"0.5em\"/><mover><mi>F</mi><mo>‾</mo></mover><mtext> test</mtext><mo>=</mo>{}",
            opt(free_train),
            opt(free_test)
        )),
        block(
            "<mfrac><mrow><mo>∂</mo><mi>log</mi><mi>p</mi><mo>(</mo><mi>x</mi><mo>)</mo></mrow><mrow><mo>∂</mo><msub><mi>w</mi><mrow><mi>i</mi><mi>j</mi></mrow></msub></mrow></mfrac><mo>=</mo>             <msub><mrow><mo>⟨</mo><msub><mi>x</mi><mi>i</mi></msub><msub><mi>h</mi><mi>j</mi></msub><mo>⟩</mo></mrow><mtext>data</mtext></msub><mo>−</mo>             <msub><mrow><mo>⟨</mo><msub><mi>x</mi><mi>i</mi></msub><msub><mi>h</mi><mi>j</mi></msub><mo>⟩</mo></mrow><mtext>model</mtext></msub>",
        ),
        block(&format!(
            "<mi>Δ</mi><mi>W</mi><mo>=</mo><mi>ε</mi><mo>(</mo><mi>x</mi><msup><mi>h</mi><mi>T</mi></msup><mo>−</mo>             <msup><mi>x</mi><mo>′</mo></msup><msup><mi>h</mi><mrow><mo>′</mo><mi>T</mi></mrow></msup><mo>)</mo><mo>,</mo>             <mspace width=\"0.5em\"/><mi>Δ</mi><mi>a</mi><mo>=</mo><mi>ε</mi><mo>(</mo><mi>x</mi><mo>−</mo><msup><mi>x</mi><mo>′</mo></msup><mo>)</mo><mo>,</mo>             <mspace width=\"0.5em\"/><mi>Δ</mi><mi>b</mi><mo>=</mo><mi>ε</mi><mo>(</mo><mi>h</mi><mo>−</mo><msup><mi>h</mi><mo>′</mo></msup><mo>)</mo>             <mo>;</mo><mspace width=\"1em\"/><mtext>{chain}-</mtext><mi>k</mi><mo>,</mo><mspace width=\"0.5em\"/><mi>k</mi><mo>=</mo><mn>{k}</mn><mo>,</mo>             <mspace width=\"0.5em\"/><mi>ε</mi><mo>=</mo>{}",
            mn(lr)
        )),
    ]
}

/// DBN (lectures 004, 001, 000): the directed stack under an RBM, the bound the greedy step
/// raises (with the run's last value), the layer-wise CD update, and the exact log Z.
pub fn dbn_rows(bound: Option<(u32, f64)>, k: u32, top_k: u32, lr: f64) -> Vec<String> {
    let value = match bound {
        Some((layers, v)) => format!(
            "<mo>;</mo><mspace width=\"1em\"/><mi>L</mi><mo>=</mo><mn>{layers}</mn><mo>:</mo><mspace width=\"0.5em\"/><mrow data-testid=\"theory-dbn-bound\">{}</mrow>",
            mn(v)
        ),
        None => String::new(),
    };
    vec![
        block(
            "<mi>p</mi><mo>(</mo><mi>v</mi><mo>,</mo><msup><mi>h</mi><mn>1</mn></msup><mo>,</mo><mo>…</mo><mo>,</mo><msup><mi>h</mi><mi>L</mi></msup><mo>)</mo><mo>=</mo>\
             <mi>p</mi><mo>(</mo><msup><mi>h</mi><mrow><mi>L</mi><mo>−</mo><mn>1</mn></mrow></msup><mo>,</mo><msup><mi>h</mi><mi>L</mi></msup><mo>)</mo>\
             <munderover><mo>∏</mo><mrow><mi>ℓ</mi><mo>=</mo><mn>1</mn></mrow><mrow><mi>L</mi><mo>−</mo><mn>1</mn></mrow></munderover>\
             <mi>p</mi><mo>(</mo><msup><mi>h</mi><mrow><mi>ℓ</mi><mo>−</mo><mn>1</mn></mrow></msup><mo>|</mo><msup><mi>h</mi><mi>ℓ</mi></msup><mo>)</mo>\
             <mo>,</mo><mspace width=\"0.5em\"/><msup><mi>h</mi><mn>0</mn></msup><mo>=</mo><mi>v</mi>",
        ),
        block(&format!(
            "<mi>log</mi><mi>p</mi><mo>(</mo><mi>v</mi><mo>)</mo><mo>≥</mo><munder><mo>∑</mo><mi>h</mi></munder><mi>q</mi><mo>(</mo><mi>h</mi><mo>|</mo><mi>v</mi><mo>)</mo>\
             <mo>[</mo><mi>log</mi><mi>p</mi><mo>(</mo><mi>h</mi><mo>)</mo><mo>+</mo><mi>log</mi><mi>p</mi><mo>(</mo><mi>v</mi><mo>|</mo><mi>h</mi><mo>)</mo><mo>]</mo>\
             <mo>−</mo><munder><mo>∑</mo><mi>h</mi></munder><mi>q</mi><mo>(</mo><mi>h</mi><mo>|</mo><mi>v</mi><mo>)</mo><mi>log</mi><mi>q</mi><mo>(</mo><mi>h</mi><mo>|</mo><mi>v</mi><mo>)</mo>{value}"
        )),
        block(&format!(
            "<mi>Δ</mi><msup><mi>W</mi><mi>ℓ</mi></msup><mo>=</mo><mi>ε</mi><mo>(</mo><msub><mrow><mo>⟨</mo><msup><mi>h</mi><mrow><mi>ℓ</mi><mo>−</mo><mn>1</mn></mrow></msup><msup><msup><mi>h</mi><mi>ℓ</mi></msup><mi>T</mi></msup><mo>⟩</mo></mrow><mtext>data</mtext></msub>\
             <mo>−</mo><msub><mrow><mo>⟨</mo><msup><mi>h</mi><mrow><mi>ℓ</mi><mo>−</mo><mn>1</mn></mrow></msup><msup><msup><mi>h</mi><mi>ℓ</mi></msup><mi>T</mi></msup><mo>⟩</mo></mrow><mtext>CD-k</mtext></msub><mo>)</mo>\
             <mo>;</mo><mspace width=\"1em\"/><mi>k</mi><mo>=</mo><mn>{k}</mn><mo>,</mo><mspace width=\"0.5em\"/><msub><mi>k</mi><mtext>top</mtext></msub><mo>=</mo><mn>{top_k}</mn><mo>,</mo><mspace width=\"0.5em\"/><mi>ε</mi><mo>=</mo>{}",
            mn(lr)
        )),
        block(
            "<mi>log</mi><mi>Z</mi><mo>=</mo><mi>log</mi><munder><mo>∑</mo><mi>h</mi></munder><msup><mi>e</mi><mrow><msup><mi>c</mi><mi>T</mi></msup><mi>h</mi></mrow></msup>\
             <munderover><mo>∏</mo><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow><mn>784</mn></munderover><mo>(</mo><mn>1</mn><mo>+</mo><msup><mi>e</mi><mrow><msub><mi>b</mi><mi>i</mi></msub><mo>+</mo><msub><mi>W</mi><mi>i</mi></msub><mi>h</mi></mrow></msup><mo>)</mo>",
        ),
    ]
}

/// VAE (lectures 003, 004): the ELBO split into reconstruction and KL for the hovered digit;
/// the KL closed form; the reparameterisation.
/// `gaussian`: the Gaussian likelihood's σ, `None` for Bernoulli pixels.
pub fn vae_rows(
    digit: Option<(f64, f64, (f64, f64), (f64, f64))>,
    gaussian: Option<f64>,
) -> Vec<String> {
    let likelihood = match gaussian {
        // Lecture 000: log p(x|z) = −½‖x − DEC(z)‖² + const, with σ and the constant written out.
        Some(sigma) => format!(
            "<mo>−</mo><mi>log</mi><mi>p</mi><mo>(</mo><mi>x</mi><mo>|</mo><mi>z</mi><mo>)</mo><mo>=</mo>\
             <mfrac><mrow><msup><mrow><mo>‖</mo><mi>x</mi><mo>−</mo><mtext>DEC</mtext><mo>(</mo><mi>z</mi><mo>)</mo><mo>‖</mo></mrow><mn>2</mn></msup></mrow>\
             <mrow><mn>2</mn><msup><mi>σ</mi><mn>2</mn></msup></mrow></mfrac><mo>+</mo>\
             <mfrac><mi>D</mi><mn>2</mn></mfrac><mi>log</mi><mn>2</mn><mi>π</mi><msup><mi>σ</mi><mn>2</mn></msup>\
             <mo>,</mo><mspace width=\"1em\"/><mi>σ</mi><mo>=</mo>{}<mo>,</mo><mi>D</mi><mo>=</mo><mn>784</mn>",
            mn(sigma)
        ),
        None => "<mo>−</mo><mi>log</mi><mi>p</mi><mo>(</mo><mi>x</mi><mo>|</mo><mi>z</mi><mo>)</mo><mo>=</mo>\
             <mo>−</mo><munder><mo>∑</mo><mi>i</mi></munder><mo>[</mo><msub><mi>x</mi><mi>i</mi></msub><mi>log</mi><msub><mi>y</mi><mi>i</mi></msub>\
             <mo>+</mo><mo>(</mo><mn>1</mn><mo>−</mo><msub><mi>x</mi><mi>i</mi></msub><mo>)</mo><mi>log</mi><mo>(</mo><mn>1</mn><mo>−</mo><msub><mi>y</mi><mi>i</mi></msub><mo>)</mo><mo>]</mo>\
             <mo>,</mo><mspace width=\"1em\"/><mi>y</mi><mo>=</mo><mtext>DEC</mtext><mo>(</mo><mi>z</mi><mo>)</mo>"
            .into(),
    };
    let (rec, kl, mu, sigma) = match digit {
        Some((r, k, m, s)) => (mn(r), mn(k), m, s),
        None => (
            "<mi>…</mi>".into(),
            "<mi>…</mi>".into(),
            (f64::NAN, f64::NAN),
            (f64::NAN, f64::NAN),
        ),
    };
    vec![
        block(&format!(
            "<mo>−</mo><mtext>ELBO</mtext><mo>=</mo>\
             <msub><mi>𝔼</mi><mrow><mi>q</mi><mo>(</mo><mi>z</mi><mo>|</mo><mi>x</mi><mo>)</mo></mrow></msub>\
             <mo>[</mo><mo>−</mo><mi>log</mi><mi>p</mi><mo>(</mo><mi>x</mi><mo>|</mo><mi>z</mi><mo>)</mo><mo>]</mo><mo>+</mo>\
             <mtext>KL</mtext><mo>(</mo><mi>q</mi><mo>(</mo><mi>z</mi><mo>|</mo><mi>x</mi><mo>)</mo><mo>‖</mo><mi>N</mi><mo>(</mo><mn>0</mn><mo>,</mo><mi>I</mi><mo>)</mo><mo>)</mo>\
             <mo>≈</mo><mrow data-testid=\"theory-rec\">{rec}</mrow><mo>+</mo>{kl}"
        )),
        block(&likelihood),
        block(&format!(
            "<mtext>KL</mtext><mo>=</mo><mfrac><mn>1</mn><mn>2</mn></mfrac><munder><mo>∑</mo><mi>j</mi></munder>\
             <mo>(</mo><msubsup><mi>μ</mi><mi>j</mi><mn>2</mn></msubsup><mo>+</mo><msubsup><mi>σ</mi><mi>j</mi><mn>2</mn></msubsup><mo>−</mo><mn>1</mn><mo>−</mo><mi>log</mi><msubsup><mi>σ</mi><mi>j</mi><mn>2</mn></msubsup><mo>)</mo>\
             <mo>,</mo><mspace width=\"1em\"/><mi>μ</mi><mo>=</mo><mo>(</mo>{}<mo>,</mo>{}<mo>)</mo><mo>,</mo><mi>σ</mi><mo>=</mo><mo>(</mo>{}<mo>,</mo>{}<mo>)</mo>",
            mn(mu.0), mn(mu.1), mn(sigma.0), mn(sigma.1)
        )),
        block(
            "<mi>z</mi><mo>=</mo><mi>μ</mi><mo>+</mo><mi>σ</mi><mo>⊙</mo><mi>ε</mi><mo>,</mo><mspace width=\"1em\"/>\
             <mi>ε</mi><mo>∼</mo><mi>N</mi><mo>(</mo><mn>0</mn><mo>,</mo><mi>I</mi><mo>)</mo>",
        ),
    ]
}

/// The conditional VAE (lecture 000): its loss with the label in both networks, the
/// likelihood's form, interpolation and latent arithmetic. `gaussian`: the Gaussian's σ.
pub fn cvae_rows(gaussian: Option<f64>) -> Vec<String> {
    let likelihood = match gaussian {
        Some(sigma) => format!(
            "<mi>log</mi><mi>p</mi><mo>(</mo><mi>x</mi><mo>|</mo><mi>z</mi><mo>,</mo><mi>y</mi><mo>)</mo><mo>=</mo>\
             <mo>−</mo><mfrac><mn>1</mn><mrow><mn>2</mn><msup><mi>σ</mi><mn>2</mn></msup></mrow></mfrac>\
             <msup><mrow><mo>‖</mo><mi>x</mi><mo>−</mo><mtext>DEC</mtext><mo>(</mo><mi>z</mi><mo>,</mo><mi>y</mi><mo>)</mo><mo>‖</mo></mrow><mn>2</mn></msup>\
             <mo>+</mo><mtext>const</mtext><mo>,</mo><mspace width=\"1em\"/><mi>σ</mi><mo>=</mo>{}",
            mn(sigma)
        ),
        None => "<mi>log</mi><mi>p</mi><mo>(</mo><mi>x</mi><mo>|</mo><mi>z</mi><mo>,</mo><mi>y</mi><mo>)</mo><mo>=</mo>\
             <munder><mo>∑</mo><mi>i</mi></munder><msub><mi>x</mi><mi>i</mi></msub><mi>log</mi><msub><mi>y</mi><mi>i</mi></msub>\
             <mo>+</mo><mo>(</mo><mn>1</mn><mo>−</mo><msub><mi>x</mi><mi>i</mi></msub><mo>)</mo><mi>log</mi><mo>(</mo><mn>1</mn><mo>−</mo><msub><mi>y</mi><mi>i</mi></msub><mo>)</mo>\
             <mo>,</mo><mspace width=\"1em\"/><mi>y</mi><mo>=</mo><mtext>DEC</mtext><mo>(</mo><mi>z</mi><mo>,</mo><mi>y</mi><mo>)</mo>"
            .into(),
    };
    vec![
        block(
            "<mi>L</mi><mo>=</mo>\
             <msub><mi>𝔼</mi><mrow><mi>q</mi><mo>(</mo><mi>z</mi><mo>|</mo><mi>x</mi><mo>,</mo><mi>y</mi><mo>)</mo></mrow></msub>\
             <mo>[</mo><mo>−</mo><mi>log</mi><mi>p</mi><mo>(</mo><mi>x</mi><mo>|</mo><mi>z</mi><mo>,</mo><mi>y</mi><mo>)</mo><mo>]</mo><mo>+</mo>\
             <mi>β</mi><mtext>KL</mtext><mo>(</mo><mi>q</mi><mo>(</mo><mi>z</mi><mo>|</mo><mi>x</mi><mo>,</mo><mi>y</mi><mo>)</mo><mo>‖</mo><mi>p</mi><mo>(</mo><mi>z</mi><mo>|</mo><mi>y</mi><mo>)</mo><mo>)</mo>\
             <mo>,</mo><mspace width=\"1em\"/><mi>p</mi><mo>(</mo><mi>z</mi><mo>|</mo><mi>y</mi><mo>)</mo><mo>=</mo><mi>N</mi><mo>(</mo><mn>0</mn><mo>,</mo><mi>I</mi><mo>)</mo>",
        ),
        block(&likelihood),
        block(
            "<mi>z</mi><mo>=</mo><mo>(</mo><mn>1</mn><mo>−</mo><mi>α</mi><mo>)</mo><msub><mi>z</mi><mn>1</mn></msub><mo>+</mo><mi>α</mi><msub><mi>z</mi><mn>2</mn></msub>\
             <mo>,</mo><mspace width=\"2em\"/><mi>z</mi><mo>=</mo><msub><mi>z</mi><mi>c</mi></msub><mo>+</mo><mo>(</mo><msub><mi>z</mi><mi>a</mi></msub><mo>−</mo><msub><mi>z</mi><mi>b</mi></msub><mo>)</mo>",
        ),
        block(
            "<mi>log</mi><mi>p</mi><mo>(</mo><mi>x</mi><mo>|</mo><mi>y</mi><mo>)</mo><mo>=</mo><mtext>ELBO</mtext><mo>+</mo>\
             <mtext>KL</mtext><mo>(</mo><mi>q</mi><mo>(</mo><mi>z</mi><mo>|</mo><mi>x</mi><mo>,</mo><mi>y</mi><mo>)</mo><mo>‖</mo><mi>p</mi><mo>(</mo><mi>z</mi><mo>|</mo><mi>x</mi><mo>,</mo><mi>y</mi><mo>)</mo><mo>)</mo>",
        ),
    ]
}

/// Transport (lecture 000): W_p, the Sinkhorn scalings at the current ε, the Gaussian W2.
pub fn transport_rows(
    eps: f64,
    iterations: u64,
    sinkhorn: Option<f64>,
    exact: Option<f64>,
    w2: f64,
) -> Vec<String> {
    let opt = |x: Option<f64>| x.map(mn).unwrap_or_else(|| "<mi>…</mi>".into());
    vec![
        block(
            "<msub><mi>W</mi><mi>p</mi></msub><mo>(</mo><mi>μ</mi><mo>,</mo><mi>ν</mi><mo>)</mo><mo>=</mo>\
             <msup><mrow><mo>(</mo><munder><mo>inf</mo><mrow><mi>γ</mi><mo>∈</mo><mi>Π</mi><mo>(</mo><mi>μ</mi><mo>,</mo><mi>ν</mi><mo>)</mo></mrow></munder>\
             <mo>∫</mo><msup><mrow><mo>|</mo><mi>x</mi><mo>−</mo><mi>y</mi><mo>|</mo></mrow><mi>p</mi></msup><mi>d</mi><mi>γ</mi><mo>)</mo></mrow><mrow><mn>1</mn><mo>/</mo><mi>p</mi></mrow></msup>",
        ),
        block(&format!(
            "<mi>K</mi><mo>=</mo><msup><mi>e</mi><mrow><mo>−</mo><mi>C</mi><mo>/</mo><mi>ε</mi></mrow></msup><mo>,</mo>\
             <mspace width=\"0.5em\"/><mi>u</mi><mo>←</mo><mi>a</mi><mo>⊘</mo><mo>(</mo><mi>K</mi><mi>v</mi><mo>)</mo><mo>,</mo>\
             <mspace width=\"0.5em\"/><mi>v</mi><mo>←</mo><mi>b</mi><mo>⊘</mo><mo>(</mo><msup><mi>K</mi><mi>T</mi></msup><mi>u</mi><mo>)</mo><mo>,</mo>\
             <mspace width=\"0.5em\"/><msub><mi>γ</mi><mi>ε</mi></msub><mo>=</mo><mtext>diag</mtext><mo>(</mo><mi>u</mi><mo>)</mo><mi>K</mi><mtext>diag</mtext><mo>(</mo><mi>v</mi><mo>)</mo>\
             <mo>;</mo><mspace width=\"1em\"/><mi>ε</mi><mo>=</mo>{}<mo>,</mo><mspace width=\"0.5em\"/><mi>t</mi><mo>=</mo><mn>{iterations}</mn><mo>:</mo>\
             <mo>⟨</mo><msub><mi>γ</mi><mi>ε</mi></msub><mo>,</mo><mi>C</mi><mo>⟩</mo><mo>=</mo><mrow data-testid=\"theory-sinkhorn\">{}</mrow><mo>,</mo>\
             <mo>⟨</mo><msup><mi>γ</mi><mo>*</mo></msup><mo>,</mo><mi>C</mi><mo>⟩</mo><mo>=</mo>{}",
            mn(eps), opt(sinkhorn), opt(exact)
        )),
        block(&format!(
            "<msubsup><mi>W</mi><mn>2</mn><mn>2</mn></msubsup><mo>=</mo><msup><mrow><mo>‖</mo><msub><mi>m</mi><mn>1</mn></msub><mo>−</mo><msub><mi>m</mi><mn>2</mn></msub><mo>‖</mo></mrow><mn>2</mn></msup><mo>+</mo>\
             <mtext>tr</mtext><mo>(</mo><msub><mi>Σ</mi><mn>1</mn></msub><mo>+</mo><msub><mi>Σ</mi><mn>2</mn></msub><mo>−</mo><mn>2</mn>\
             <msup><mrow><mo>(</mo><msubsup><mi>Σ</mi><mn>1</mn><mrow><mn>1</mn><mo>/</mo><mn>2</mn></mrow></msubsup><msub><mi>Σ</mi><mn>2</mn></msub><msubsup><mi>Σ</mi><mn>1</mn><mrow><mn>1</mn><mo>/</mo><mn>2</mn></mrow></msubsup><mo>)</mo></mrow><mrow><mn>1</mn><mo>/</mo><mn>2</mn></mrow></msup><mo>)</mo>\
             <mo>;</mo><mspace width=\"1em\"/><msub><mi>W</mi><mn>2</mn></msub><mo>=</mo>{}",
            mn(w2)
        )),
    ]
}

/// Shaping the latent space (lectures 000, 003): the WAE's objective with MMD, the MMD² the
/// lanes are penalised and measured by, the adversarial autoencoder's phases and the optimal
/// discriminator, the VAE's KL — with the run's weights.
pub fn wae_rows(beta: f64, mmd_lambda: f64, adv_lambda: f64) -> Vec<String> {
    vec![
        block(&format!(
            "<mi>L</mi><mo>=</mo><msub><mi>𝔼</mi><mi>x</mi></msub><mo>[</mo><mo>−</mo><mi>log</mi><mi>p</mi><mo>(</mo><mi>x</mi><mo>|</mo><mi>G</mi><mo>(</mo><mi>E</mi><mo>(</mo><mi>x</mi><mo>)</mo><mo>)</mo><mo>)</mo><mo>]</mo>\
             <mo>+</mo><mi>λ</mi><mo>·</mo><msubsup><mtext>MMD</mtext><mi>k</mi><mn>2</mn></msubsup><mo>(</mo><msub><mi>q</mi><mi>Z</mi></msub><mo>,</mo><msub><mi>p</mi><mi>Z</mi></msub><mo>)</mo>\
             <mo>,</mo><mspace width=\"1em\"/><mi>λ</mi><mo>=</mo>{}",
            mn(mmd_lambda)
        )),
        block(
            "<msubsup><mtext>MMD</mtext><mi>k</mi><mn>2</mn></msubsup><mo>=</mo>\
             <mfrac><mn>1</mn><mrow><mi>n</mi><mo>(</mo><mi>n</mi><mo>−</mo><mn>1</mn><mo>)</mo></mrow></mfrac><munder><mo>∑</mo><mrow><mi>i</mi><mo>≠</mo><mi>j</mi></mrow></munder><mi>k</mi><mo>(</mo><msub><mi>z</mi><mi>i</mi></msub><mo>,</mo><msub><mi>z</mi><mi>j</mi></msub><mo>)</mo>\
             <mo>+</mo><mfrac><mn>1</mn><mrow><mi>n</mi><mo>(</mo><mi>n</mi><mo>−</mo><mn>1</mn><mo>)</mo></mrow></mfrac><munder><mo>∑</mo><mrow><mi>i</mi><mo>≠</mo><mi>j</mi></mrow></munder><mi>k</mi><mo>(</mo><msub><mover><mi>z</mi><mo>~</mo></mover><mi>i</mi></msub><mo>,</mo><msub><mover><mi>z</mi><mo>~</mo></mover><mi>j</mi></msub><mo>)</mo>\
             <mo>−</mo><mfrac><mn>2</mn><msup><mi>n</mi><mn>2</mn></msup></mfrac><munder><mo>∑</mo><mrow><mi>i</mi><mo>,</mo><mi>j</mi></mrow></munder><mi>k</mi><mo>(</mo><msub><mi>z</mi><mi>i</mi></msub><mo>,</mo><msub><mover><mi>z</mi><mo>~</mo></mover><mi>j</mi></msub><mo>)</mo>\
             <mo>,</mo><mspace width=\"0.5em\"/><msub><mi>z</mi><mi>i</mi></msub><mo>=</mo><mi>E</mi><mo>(</mo><msub><mi>x</mi><mi>i</mi></msub><mo>)</mo><mo>,</mo><mspace width=\"0.5em\"/><msub><mover><mi>z</mi><mo>~</mo></mover><mi>j</mi></msub><mo>∼</mo><msub><mi>p</mi><mi>Z</mi></msub>",
        ),
        block(
            "<munder><mi>max</mi><mi>D</mi></munder><msub><mi>𝔼</mi><mrow><mover><mi>z</mi><mo>~</mo></mover><mo>∼</mo><msub><mi>p</mi><mi>Z</mi></msub></mrow></msub><mi>log</mi><mi>D</mi><mo>(</mo><mover><mi>z</mi><mo>~</mo></mover><mo>)</mo>\
             <mo>+</mo><msub><mi>𝔼</mi><mi>x</mi></msub><mi>log</mi><mo>(</mo><mn>1</mn><mo>−</mo><mi>D</mi><mo>(</mo><mi>E</mi><mo>(</mo><mi>x</mi><mo>)</mo><mo>)</mo><mo>)</mo>\
             <mo>,</mo><mspace width=\"1em\"/><msup><mi>D</mi><mo>*</mo></msup><mo>(</mo><mi>z</mi><mo>)</mo><mo>=</mo><mfrac><mrow><msub><mi>p</mi><mi>Z</mi></msub><mo>(</mo><mi>z</mi><mo>)</mo></mrow><mrow><msub><mi>p</mi><mi>Z</mi></msub><mo>(</mo><mi>z</mi><mo>)</mo><mo>+</mo><msub><mi>q</mi><mi>Z</mi></msub><mo>(</mo><mi>z</mi><mo>)</mo></mrow></mfrac>",
        ),
        block(&format!(
            "<munder><mi>min</mi><mi>E</mi></munder><mi>λ</mi><mo>·</mo><msub><mi>𝔼</mi><mi>x</mi></msub><mo>[</mo><mo>−</mo><mi>log</mi><mi>D</mi><mo>(</mo><mi>E</mi><mo>(</mo><mi>x</mi><mo>)</mo><mo>)</mo><mo>]</mo>\
             <mo>,</mo><mspace width=\"0.5em\"/><mi>λ</mi><mo>=</mo>{}<mo>;</mo><mspace width=\"1em\"/>\
             <mtext>VAE: </mtext><mi>β</mi><mo>·</mo><mtext>KL</mtext><mo>(</mo><mi>q</mi><mo>(</mo><mi>z</mi><mo>|</mo><mi>x</mi><mo>)</mo><mo>‖</mo><mi>N</mi><mo>(</mo><mn>0</mn><mo>,</mo><mi>I</mi><mo>)</mo><mo>)</mo><mo>,</mo><mspace width=\"0.5em\"/><mi>β</mi><mo>=</mo>{}",
            mn(adv_lambda),
            mn(beta)
        )),
    ]
}

/// Autoencoders (lecture 004): the two losses, the sparse and the contractive penalty with its
/// closed form for a sigmoid code, and the PCA statement with the run's numbers (the linear
/// autoencoder's error, PCA's at the same code size).
pub fn autoencoder_rows(
    lambda: f64,
    code: u32,
    ae_error: Option<f64>,
    pca_error: Option<f64>,
) -> Vec<String> {
    let opt = |x: Option<f64>| x.map(mn).unwrap_or_else(|| "<mi>…</mi>".into());
    vec![
        block(
            "<mi>h</mi><mo>=</mo><mi>f</mi><mo>(</mo><mi>x</mi><mo>)</mo><mo>,</mo><mspace width=\"0.5em\"/>\
             <mi>r</mi><mo>=</mo><mi>g</mi><mo>(</mo><mi>h</mi><mo>)</mo><mo>;</mo><mspace width=\"1em\"/>\
             <msub><mi>L</mi><mtext>MSE</mtext></msub><mo>=</mo><munder><mo>∑</mo><mi>i</mi></munder><msup><mrow><mo>(</mo><msub><mi>x</mi><mi>i</mi></msub><mo>−</mo><msub><mi>r</mi><mi>i</mi></msub><mo>)</mo></mrow><mn>2</mn></msup>\
             <mo>,</mo><mspace width=\"0.5em\"/>\
             <msub><mi>L</mi><mtext>CE</mtext></msub><mo>=</mo><mo>−</mo><munder><mo>∑</mo><mi>i</mi></munder><mo>[</mo><msub><mi>x</mi><mi>i</mi></msub><mi>log</mi><msub><mi>r</mi><mi>i</mi></msub><mo>+</mo><mo>(</mo><mn>1</mn><mo>−</mo><msub><mi>x</mi><mi>i</mi></msub><mo>)</mo><mi>log</mi><mo>(</mo><mn>1</mn><mo>−</mo><msub><mi>r</mi><mi>i</mi></msub><mo>)</mo><mo>]</mo>",
        ),
        block(&format!(
            "<msub><mi>L</mi><mtext>sparse</mtext></msub><mo>=</mo><mi>L</mi><mo>+</mo><mi>λ</mi><munder><mo>∑</mo><mi>j</mi></munder><mo>|</mo><msub><mi>h</mi><mi>j</mi></msub><mo>|</mo>\
             <mo>,</mo><mspace width=\"1em\"/><mi>λ</mi><mo>=</mo>{}",
            mn(lambda)
        )),
        block(
            "<msub><mi>L</mi><mtext>contractive</mtext></msub><mo>=</mo><mi>L</mi><mo>+</mo><mi>λ</mi><msubsup><mrow><mo>‖</mo><msub><mo>∇</mo><mi>x</mi></msub><mi>h</mi><mo>(</mo><mi>x</mi><mo>)</mo><mo>‖</mo></mrow><mi>F</mi><mn>2</mn></msubsup>\
             <mo>=</mo><mi>L</mi><mo>+</mo><mi>λ</mi><munder><mo>∑</mo><mi>j</mi></munder><msup><mrow><mo>(</mo><msub><mi>h</mi><mi>j</mi></msub><mo>(</mo><mn>1</mn><mo>−</mo><msub><mi>h</mi><mi>j</mi></msub><mo>)</mo><mo>)</mo></mrow><mn>2</mn></msup><munder><mo>∑</mo><mi>i</mi></munder><msubsup><mi>W</mi><mrow><mi>j</mi><mi>i</mi></mrow><mn>2</mn></msubsup>",
        ),
        block(
            "<mtext>denoising: </mtext><mi>L</mi><mo>(</mo><mi>x</mi><mo>,</mo><mi>g</mi><mo>(</mo><mi>f</mi><mo>(</mo><mover><mi>x</mi><mo>~</mo></mover><mo>)</mo><mo>)</mo><mo>)</mo><mo>,</mo><mspace width=\"0.5em\"/>\
             <mover><mi>x</mi><mo>~</mo></mover><mo>∼</mo><mi>C</mi><mo>(</mo><mover><mi>x</mi><mo>~</mo></mover><mo>|</mo><mi>x</mi><mo>)</mo>",
        ),
        block(&format!(
            "<munder><mi>min</mi><mrow><mtext>rank</mtext><mo>≤</mo><mi>k</mi></mrow></munder><mfrac><mn>1</mn><mi>N</mi></mfrac><munder><mo>∑</mo><mi>n</mi></munder><msup><mrow><mo>‖</mo><msub><mi>x</mi><mi>n</mi></msub><mo>−</mo><msub><mi>r</mi><mi>n</mi></msub><mo>‖</mo></mrow><mn>2</mn></msup>\
             <mo>=</mo><munder><mo>∑</mo><mrow><mi>i</mi><mo>&gt;</mo><mi>k</mi></mrow></munder><msub><mi>λ</mi><mi>i</mi></msub><mo>;</mo><mspace width=\"1em\"/>\
             <mi>k</mi><mo>=</mo><mn>{code}</mn><mo>:</mo><mspace width=\"0.5em\"/><mtext>PCA </mtext>{}<mo>,</mo><mspace width=\"0.5em\"/><mtext>AE </mtext><mrow data-testid=\"theory-ae-error\">{}</mrow>",
            opt(pca_error),
            opt(ae_error)
        )),
    ]
}

/// The Boltzmann family (lectures 000–002): the general machine's energy and exact
/// log-likelihood, its gradient's two phases, the single-unit conditional sequential Gibbs
/// samples, the deep machine's energy, the RBM as a product of experts and the
/// Gaussian–Bernoulli RBM's mixture — with the run's sizes and the full machine's exact
/// log-likelihood.
pub fn boltzmann_rows(units: u32, full_ll: Option<f64>, gb_hidden: u32) -> Vec<String> {
    let ll = full_ll.map(mn).unwrap_or_else(|| "<mi>…</mi>".into());
    vec![
        block(&format!(
            "<mi>E</mi><mo>(</mo><mi>x</mi><mo>)</mo><mo>=</mo><mo>−</mo><munder><mo>∑</mo><mrow><mi>i</mi><mo>&lt;</mo><mi>j</mi></mrow></munder><msub><mi>w</mi><mrow><mi>i</mi><mi>j</mi></mrow></msub><msub><mi>x</mi><mi>i</mi></msub><msub><mi>x</mi><mi>j</mi></msub>\
             <mo>−</mo><munder><mo>∑</mo><mi>i</mi></munder><msub><mi>b</mi><mi>i</mi></msub><msub><mi>x</mi><mi>i</mi></msub><mo>,</mo><mspace width=\"0.5em\"/>\
             <mi>Z</mi><mo>=</mo><munder><mo>∑</mo><mi>x</mi></munder><msup><mi>e</mi><mrow><mo>−</mo><mi>E</mi><mo>(</mo><mi>x</mi><mo>)</mo></mrow></msup><mo>,</mo><mspace width=\"0.5em\"/><mi>x</mi><mo>∈</mo><msup><mrow><mo>{{</mo><mn>0</mn><mo>,</mo><mn>1</mn><mo>}}</mo></mrow><mn>{units}</mn></msup>"
        )),
        block(&format!(
            "<mfrac><mn>1</mn><mi>N</mi></mfrac><munder><mo>∑</mo><mi>n</mi></munder><mi>log</mi><mi>p</mi><mo>(</mo><msub><mi>v</mi><mi>n</mi></msub><mo>)</mo><mo>=</mo>\
             <mfrac><mn>1</mn><mi>N</mi></mfrac><munder><mo>∑</mo><mi>n</mi></munder><mi>log</mi><munder><mo>∑</mo><mi>h</mi></munder><msup><mi>e</mi><mrow><mo>−</mo><mi>E</mi><mo>(</mo><msub><mi>v</mi><mi>n</mi></msub><mo>,</mo><mi>h</mi><mo>)</mo></mrow></msup><mo>−</mo><mi>log</mi><mi>Z</mi>\
             <mo>;</mo><mspace width=\"1em\"/><msub><mi>ℓ</mi><mtext>full</mtext></msub><mo>=</mo><mrow data-testid=\"theory-full-ll\">{ll}</mrow>"
        )),
        block(
            "<mfrac><mrow><mo>∂</mo><mi>log</mi><mi>p</mi><mo>(</mo><mi>v</mi><mo>)</mo></mrow><mrow><mo>∂</mo><msub><mi>w</mi><mrow><mi>i</mi><mi>j</mi></mrow></msub></mrow></mfrac><mo>=</mo>\
             <msub><mrow><mo>⟨</mo><msub><mi>x</mi><mi>i</mi></msub><msub><mi>x</mi><mi>j</mi></msub><mo>⟩</mo></mrow><mtext>data</mtext></msub><mo>−</mo>\
             <msub><mrow><mo>⟨</mo><msub><mi>x</mi><mi>i</mi></msub><msub><mi>x</mi><mi>j</mi></msub><mo>⟩</mo></mrow><mtext>model</mtext></msub>\
             <mo>;</mo><mspace width=\"1em\"/>\
             <mi>p</mi><mo>(</mo><msub><mi>x</mi><mi>i</mi></msub><mo>=</mo><mn>1</mn><mo>|</mo><msub><mi>x</mi><mrow><mo>−</mo><mi>i</mi></mrow></msub><mo>)</mo><mo>=</mo><mi>σ</mi><mo>(</mo><msub><mi>b</mi><mi>i</mi></msub><mo>+</mo><munder><mo>∑</mo><mi>j</mi></munder><msub><mi>w</mi><mrow><mi>i</mi><mi>j</mi></mrow></msub><msub><mi>x</mi><mi>j</mi></msub><mo>)</mo>",
        ),
        block(
            "<mtext>DBM: </mtext><mi>E</mi><mo>(</mo><mi>v</mi><mo>,</mo><msup><mi>h</mi><mn>1</mn></msup><mo>,</mo><msup><mi>h</mi><mn>2</mn></msup><mo>)</mo><mo>=</mo>\
             <mo>−</mo><msup><mi>v</mi><mi>T</mi></msup><msup><mi>W</mi><mn>1</mn></msup><msup><mi>h</mi><mn>1</mn></msup><mo>−</mo><msup><mrow><msup><mi>h</mi><mn>1</mn></msup></mrow><mi>T</mi></msup><msup><mi>W</mi><mn>2</mn></msup><msup><mi>h</mi><mn>2</mn></msup>\
             <mo>−</mo><msup><mi>b</mi><mi>T</mi></msup><mi>v</mi><mo>−</mo><msup><mrow><msup><mi>c</mi><mn>1</mn></msup></mrow><mi>T</mi></msup><msup><mi>h</mi><mn>1</mn></msup><mo>−</mo><msup><mrow><msup><mi>c</mi><mn>2</mn></msup></mrow><mi>T</mi></msup><msup><mi>h</mi><mn>2</mn></msup>",
        ),
        block(
            "<mtext>RBM: </mtext><mi>p</mi><mo>(</mo><mi>v</mi><mo>)</mo><mo>=</mo><mfrac><mn>1</mn><mi>Z</mi></mfrac><msup><mi>e</mi><mrow><msup><mi>b</mi><mi>T</mi></msup><mi>v</mi></mrow></msup>\
             <munder><mo>∏</mo><mi>j</mi></munder><mo>(</mo><mn>1</mn><mo>+</mo><msup><mi>e</mi><mrow><msub><mi>c</mi><mi>j</mi></msub><mo>+</mo><msub><mi>W</mi><mi>j</mi></msub><mo>·</mo><mi>v</mi></mrow></msup><mo>)</mo>",
        ),
        block(&format!(
            "<mi>E</mi><mo>(</mo><mi>v</mi><mo>,</mo><mi>h</mi><mo>)</mo><mo>=</mo><munder><mo>∑</mo><mi>i</mi></munder><mfrac><msup><mrow><mo>(</mo><msub><mi>v</mi><mi>i</mi></msub><mo>−</mo><msub><mi>b</mi><mi>i</mi></msub><mo>)</mo></mrow><mn>2</mn></msup><mrow><mn>2</mn><msubsup><mi>σ</mi><mi>i</mi><mn>2</mn></msubsup></mrow></mfrac>\
             <mo>−</mo><munder><mo>∑</mo><mrow><mi>i</mi><mi>j</mi></mrow></munder><mfrac><msub><mi>v</mi><mi>i</mi></msub><msubsup><mi>σ</mi><mi>i</mi><mn>2</mn></msubsup></mfrac><msub><mi>W</mi><mrow><mi>i</mi><mi>j</mi></mrow></msub><msub><mi>h</mi><mi>j</mi></msub><mo>−</mo><msup><mi>c</mi><mi>T</mi></msup><mi>h</mi>\
             <mo>⇒</mo><mi>p</mi><mo>(</mo><mi>v</mi><mo>)</mo><mo>=</mo><munder><mo>∑</mo><mi>h</mi></munder><msub><mi>π</mi><mi>h</mi></msub><mi>N</mi><mo>(</mo><mi>v</mi><mo>;</mo><mi>b</mi><mo>+</mo><mi>W</mi><mi>h</mi><mo>,</mo><mtext>diag</mtext><msup><mi>σ</mi><mn>2</mn></msup><mo>)</mo>\
             <mo>,</mo><mspace width=\"0.5em\"/><mi>h</mi><mo>∈</mo><msup><mrow><mo>{{</mo><mn>0</mn><mo>,</mo><mn>1</mn><mo>}}</mo></mrow><mn>{gb_hidden}</mn></msup>"
        )),
    ]
}

/// Energy models and Langevin sampling (lectures 001, 002): p(x) = e^{−E}/Z on the grid, the
/// correct Langevin step beside the slide's (and the temperature it samples), the schedule's
/// conditions, the contrastive gradient, and JEM's reading of a classifier — with the run's
/// step and γ.
pub fn langevin_rows(lambda: f64, gamma: f64) -> Vec<String> {
    vec![
        block(
            "<mi>p</mi><mo>(</mo><mi>x</mi><mo>)</mo><mo>=</mo><mfrac><msup><mi>e</mi><mrow><mo>−</mo><mi>E</mi><mo>(</mo><mi>x</mi><mo>)</mo></mrow></msup><mi>Z</mi></mfrac>\
             <mo>,</mo><mspace width=\"0.5em\"/><mi>Z</mi><mo>≈</mo><munder><mo>∑</mo><mi>c</mi></munder><msup><mi>e</mi><mrow><mo>−</mo><mi>E</mi><mo>(</mo><msub><mi>x</mi><mi>c</mi></msub><mo>)</mo></mrow></msup><msup><mi>h</mi><mn>2</mn></msup>",
        ),
        block(&format!(
            "<msub><mi>x</mi><mrow><mi>τ</mi><mo>+</mo><mn>1</mn></mrow></msub><mo>=</mo><msub><mi>x</mi><mi>τ</mi></msub><mo>−</mo><mfrac><msub><mi>λ</mi><mi>τ</mi></msub><mn>2</mn></mfrac><msub><mo>∇</mo><mi>x</mi></msub><mi>E</mi><mo>+</mo><mi>ε</mi><mo>,</mo><mspace width=\"0.5em\"/><mi>ε</mi><mo>∼</mo><mi>N</mi><mo>(</mo><mn>0</mn><mo>,</mo><msub><mi>λ</mi><mi>τ</mi></msub><mi>I</mi><mo>)</mo>\
             <mo>;</mo><mspace width=\"1em\"/><mi>λ</mi><mo>=</mo>{}",
            mn(lambda)
        )),
        block(
            "<msub><mi>x</mi><mi>τ</mi></msub><mo>−</mo><mi>λ</mi><mo>∇</mo><mi>E</mi><mo>+</mo><mi>N</mi><mo>(</mo><mn>0</mn><mo>,</mo><mfrac><mi>λ</mi><mn>2</mn></mfrac><mo>)</mo>\
             <mo>⇒</mo><mfrac><msup><mi>e</mi><mrow><mo>−</mo><mn>4</mn><mi>E</mi><mo>(</mo><mi>x</mi><mo>)</mo></mrow></msup><msub><mi>Z</mi><mrow><mn>1</mn><mo>/</mo><mn>4</mn></mrow></msub></mfrac>",
        ),
        block(&format!(
            "<msub><mi>λ</mi><mi>τ</mi></msub><mo>=</mo><mi>a</mi><msup><mrow><mo>(</mo><mi>b</mi><mo>+</mo><mi>τ</mi><mo>)</mo></mrow><mrow><mo>−</mo><mi>γ</mi></mrow></msup><mo>:</mo><mspace width=\"0.5em\"/>\
             <munder><mo>∑</mo><mi>τ</mi></munder><msub><mi>λ</mi><mi>τ</mi></msub><mo>=</mo><mi>∞</mi><mo>,</mo><munder><mo>∑</mo><mi>τ</mi></munder><msubsup><mi>λ</mi><mi>τ</mi><mn>2</mn></msubsup><mo>&lt;</mo><mi>∞</mi><mo>⇔</mo><mfrac><mn>1</mn><mn>2</mn></mfrac><mo>&lt;</mo><mi>γ</mi><mo>≤</mo><mn>1</mn><mo>;</mo><mspace width=\"0.5em\"/><mi>γ</mi><mo>=</mo>{}",
            mn(gamma)
        )),
        block(
            "<mfrac><mrow><mo>∂</mo><mi>L</mi></mrow><mrow><mo>∂</mo><mi>θ</mi></mrow></mfrac><mo>=</mo><msub><mi>𝔼</mi><mtext>data</mtext></msub><mfrac><mrow><mo>∂</mo><msub><mi>E</mi><mi>θ</mi></msub><mo>(</mo><mi>x</mi><mo>)</mo></mrow><mrow><mo>∂</mo><mi>θ</mi></mrow></mfrac><mo>−</mo><msub><mi>𝔼</mi><mtext>model</mtext></msub><mfrac><mrow><mo>∂</mo><msub><mi>E</mi><mi>θ</mi></msub><mo>(</mo><mi>x</mi><mo>)</mo></mrow><mrow><mo>∂</mo><mi>θ</mi></mrow></mfrac>",
        ),
        block(
            "<mtext>JEM: </mtext><mi>p</mi><mo>(</mo><mi>x</mi><mo>,</mo><mi>y</mi><mo>)</mo><mo>=</mo><mfrac><msup><mi>e</mi><mrow><mi>f</mi><mo>(</mo><mi>x</mi><mo>)</mo><mo>[</mo><mi>y</mi><mo>]</mo></mrow></msup><mi>Z</mi></mfrac><mo>,</mo><mspace width=\"0.5em\"/>\
             <mi>E</mi><mo>(</mo><mi>x</mi><mo>)</mo><mo>=</mo><mo>−</mo><mtext>LogSumExp</mtext><msub><mrow></mrow><mi>y</mi></msub><mi>f</mi><mo>(</mo><mi>x</mi><mo>)</mo><mo>[</mo><mi>y</mi><mo>]</mo>",
        ),
    ]
}
