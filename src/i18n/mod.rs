//! Every string the page shows, keyed by language. Components ask [`tr`] by key; they never hold
//! prose of their own, so a language is added here without touching a component.

use genlab_core::choice_enum;

mod msg_pl;
mod msg_ru;
mod pl;
mod ru;

choice_enum! {
    /// The languages of the lecture decks.
    pub enum Lang { En = "en", Pl = "pl", Ru = "ru" }
}

impl Lang {
    /// The language the browser asks for (`navigator.language`, e.g. "pl-PL"), if genlab has it.
    pub fn from_browser(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        <Lang as genlab_core::settings::ChoiceEnum>::from_key(&primary)
    }

    /// Polish and Russian write 0,5 where English writes 0.5.
    pub fn decimal_comma(self) -> bool {
        matches!(self, Lang::Pl | Lang::Ru)
    }
}

/// The model code's messages: English from genlab-core, the others here.
fn msg_table(lang: Lang) -> &'static [(&'static str, &'static str)] {
    match lang {
        Lang::En => genlab_core::msg::EN,
        Lang::Pl => msg_pl::MSG_PL,
        Lang::Ru => msg_ru::MSG_RU,
    }
}

fn table(lang: Lang) -> &'static [(&'static str, &'static str)] {
    match lang {
        Lang::En => EN,
        Lang::Pl => pl::PL,
        Lang::Ru => ru::RU,
    }
}

/// The text for `key`, falling back to English, then to the key itself (which the catalog tests
/// forbid: every key exists in every language).
pub fn tr(lang: Lang, key: &str) -> &'static str {
    lookup(table(lang), key)
        .or_else(|| lookup(EN, key))
        .unwrap_or_else(|| Box::leak(key.to_string().into_boxed_str()))
}

/// A message from the model code in `lang`: its template from this language's catalog (or the
/// model code's English one), arguments filled in — numbers with the language's decimal mark.
pub fn message(lang: Lang, m: &genlab_core::msg::Msg) -> String {
    let catalog =
        |key: &str| lookup(msg_table(lang), key).or_else(|| genlab_core::msg::english(key));
    let num = |x: f64| {
        let text = format!("{x}");
        if lang.decimal_comma() {
            text.replace('.', ",")
        } else {
            text
        }
    };
    m.render(&catalog, &num)
}

pub fn has(lang: Lang, key: &str) -> bool {
    lookup(table(lang), key).is_some()
}

fn lookup(table: &'static [(&'static str, &'static str)], key: &str) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

pub const EN: &[(&str, &str)] = &[
    ("app.title", "genlab"),
    ("app.tagline", "Generative models you can train, poke and take apart — in your browser, no server."),
    ("app.home", "All lessons"),
    ("app.projector", "Projector mode"),
    ("app.loading_worker", "Starting the training worker…"),
    ("app.worker_failed", "The training worker stopped"),
    ("app.reset_to_recover", "Press Reset to start a fresh worker; your settings are kept."),
    ("app.unknown_route", "There is no lesson at this address; here is the list of lessons."),
    ("app.footer", "Every control and the seed live in the URL: bookmark it, and the same URL replays the same run."),
    ("app.language", "Language"),
    // Lessons
    ("lesson.rbm.title", "Restricted Boltzmann machine"),
    ("lesson.rbm.blurb", "Six movie-goers, CD-k, PCD and parallel tempering, with the exact likelihood beside each."),
    ("lesson.vae.title", "Variational autoencoder on MNIST"),
    ("lesson.vae.blurb", "A 2-D latent space of real digits: drag through it, interpolate, watch the clusters form."),
    ("lesson.gan.title", "1-D GAN: learning N(−1, 1)"),
    ("lesson.gan.blurb", "A generator turns uniform noise into N(−1, 1) against a discriminator — with the optimal D on screen."),
    ("lesson.transport.title", "Earth mover's distance & optimal transport"),
    ("lesson.transport.blurb", "Drag mass and points; exact EMD, Sinkhorn, MMD and the Gaussian W2 in closed form."),
    ("lesson.rbm-mnist.title", "RBM on MNIST"),
    ("lesson.rbm-mnist.blurb", "A binary RBM (784 pixels, 16–500 hidden units) learns the digits by CD-k or PCD: its filters, Gibbs chains and reconstructions live — on the GPU through WebGPU compute shaders, or on the CPU."),
    ("lesson.autoencoders.title", "Autoencoder variants"),
    ("lesson.autoencoders.blurb", "Undercomplete, sparse, denoising and contractive autoencoders side by side."),
    ("lesson.cvae.title", "CVAE, WAE and AAE"),
    ("lesson.cvae.blurb", "Conditioning the VAE, and matching the latent distribution with transport or a discriminator."),
    ("lesson.langevin.title", "Langevin sampling of energy models"),
    ("lesson.langevin.blurb", "Stochastic gradient Langevin dynamics on an energy landscape, as in JEM."),
    ("lesson.dbn.title", "Deep belief network"),
    ("lesson.dbn.blurb", "Greedy layer-wise training of stacked RBMs."),
    ("lesson.not_built", "This lesson is not built yet. Nothing here is simulated: when it is built, it will train real models like the lessons that are ready."),
    ("lesson.ready", "ready"),
    ("lesson.planned", "planned"),
    // Transport bar
    ("transport.play", "Play"),
    ("transport.pause", "Pause"),
    ("transport.step", "Step"),
    ("transport.reset", "Reset"),
    ("transport.run_to", "Run to step"),
    ("transport.go", "Go"),
    ("transport.speed", "Speed (steps/s)"),
    ("transport.max", "max"),
    ("transport.step_counter", "step"),
    ("transport.steps_per_sec", "steps/s"),
    ("transport.keys", "Keys: space play/pause, → step, r reset"),
    ("transport.new_seed", "New seed"),
    ("transport.csv_help", "Save the metric history as CSV"),
    ("notice.clamped", "{key}: {given} is out of range, using {used}"),
    ("notice.invalid", "{key}: “{given}” is not valid, using {used}"),
    ("notice.unknown", "{key}: unknown setting, ignored"),
    ("notice.adjusted", "{key}: {why}"),
    ("ot.selected", "selected"),
    ("vae.latent.keys", "Keyboard: focus the chart, then arrows move the decoded point (Shift: faster), Home returns to the origin, [ and ] inspect the previous / next test digit."),
    ("ot.cloud_keys", "Keyboard: focus the chart, then Enter adds a point of the chosen side at the centre, [ and ] select a point, arrows move it (Shift: faster), Delete removes it."),
    ("chart.table", "Data as a table"),
    ("chart.series", "Series"),
    ("chart.count", "Points"),
    ("chart.x_range", "x from … to"),
    ("chart.last", "Last value"),
    ("chart.min", "Min"),
    ("chart.max", "Max"),
    ("chart.heatmap", "colour map"),
    ("transport.export", "Export run"),
    ("transport.export_help", "Save this run — settings, seed, trained parameters and metric history — as one file"),
    ("transport.import", "Import run"),
    ("transport.import_help", "Continue a run saved with “Export run”"),
    ("status.import_failed", "Import failed"),
    ("status.import_unchanged", "Nothing was changed."),
    ("status.imported", "Imported the run at step"),
    // Status
    ("status.diverged", "Training paused: the run diverged"),
    ("status.diverged_hint", "The last good state stays on screen. Lower the learning rate, then Reset."),
    ("status.notices", "Some settings in the address were adjusted:"),
    ("status.rejected", "Ignored"),
    ("status.loading", "Loading the digits…"),
    ("status.data_error", "The digits could not be loaded"),
    ("status.data_error_hint", "Training needs them; everything else on this page still works. Reload to try again."),
    // VAE
    ("vae.explain", "An encoder maps each 28×28 digit to a Gaussian q(z|x) = N(μ, σ²) in a 2-D latent space; z = μ + σ ⊙ ε (the reparameterisation trick) goes through the decoder back to 784 pixel probabilities. The loss per image is the Bernoulli cross-entropy of the reconstruction plus β · KL(q(z|x) ‖ N(0, I)), in closed form — the negative ELBO when β = 1. Architecture as in the lecture: Input–H–2·(μ, σ)–2–H–Output. β = 0 is a plain autoencoder: watch its codes spread out."),
    ("vae.chart.latent", "Latent space: μ of the test digits"),
    ("vae.latent.hint", "Click or drag anywhere to decode that point; hover a dot to encode that digit (right)."),
    ("vae.legend", "Digit colours"),
    ("vae.collapsed", "Every digit now gets the same code: the encoder's ReLUs have died (no input reaches them any more), usually from too large a learning rate. Training cannot bring them back — lower the learning rate and press Reset."),
    ("vae.explore.title", "Decoded at the pointer"),
    ("vae.series.path", "interpolation path"),
    ("vae.series.alpha", "z at α"),
    ("vae.series.explore", "explored z"),
    ("vae.chart.grid", "Decoded grid, 15 × 15"),
    ("vae.grid.prior", "At the N(0, 1) quantiles 5 %…95 % on each axis, as in the lecture"),
    ("vae.grid.codes", "β = 0 has no prior: the grid spans the codes' mean ± std quantiles"),
    ("vae.readout.epoch", "Epochs"),
    ("vae.readout.test_loss", "Test −ELBO (nats / digit)"),
    ("vae.readout.test_rec", "… reconstruction"),
    ("vae.readout.test_kl", "… KL"),
    ("vae.readout.knn", "5-NN accuracy from 2-D μ"),
    ("vae.readout.spread", "Spread of μ (std z₁ / z₂)"),
    ("vae.readout.images_per_sec", "Images / s"),
    ("vae.reparam.title", "The reparameterisation step"),
    ("vae.reparam.hint", "Hover a dot in the latent space to take one test digit through the network."),
    ("vae.reparam.digit", "Test digit"),
    ("vae.reparam.label", "label"),
    ("vae.reparam.rec", "−log p(x|z) (nats)"),
    ("vae.reparam.kl", "KL(q(z|x) ‖ p(z)) (nats)"),
    ("vae.reparam.images", "The digit, decoded at μ, decoded at z"),
    ("vae.reparam.new_eps", "Draw another ε"),
    ("vae.interp.set_from", "Interpolate from this digit"),
    ("vae.interp.set_to", "… to this digit"),
    ("vae.interp.between", "z = (1 − α) z₁ + α z₂ between test digits"),
    ("vae.interp.at_alpha", "Decoded at the chosen α"),
    ("vae.chart.interp", "Interpolation in the latent space"),
    ("vae.chart.samples", "Samples: z ~ N(0, I), decoded"),
    ("vae.samples.new", "New samples"),
    ("vae.chart.recon", "Test digits (top) and their reconstructions (bottom)"),
    ("vae.chart.rec", "Reconstruction −log p(x|z) per digit (nats); −ELBO = this + KL"),
    ("vae.chart.kl", "KL(q(z|x) ‖ N(0, I)) per digit (nats)"),
    ("vae.chart.knn", "5-NN accuracy of the test labels from their μ"),
    ("vae.series.train", "train (running mean)"),
    ("vae.series.test", "test"),
    ("vae.series.train_kl", "train KL"),
    ("vae.series.test_kl", "test KL"),
    ("vae.series.knn", "5-NN accuracy"),
    ("vae.axis.step", "step (batches)"),
    ("param.beta", "β (weight of the KL term)"),
    ("param.from", "Interpolate from test digit #"),
    ("param.to", "… to test digit #"),
    ("param.alpha", "α"),
    ("param.ends", "Interpolate between"),
    ("choice.ends.digits", "two test digits"),
    ("choice.ends.points", "two latent points"),
    ("param.ax", "z₁ x"),
    ("param.ay", "z₁ y"),
    ("param.bx", "z₂ x"),
    ("param.by", "z₂ y"),
    ("vae.interp.between_points", "z = (1 − α) z₁ + α z₂ between the points"),
    ("vae.interp.point_from", "Interpolate from this point"),
    ("vae.interp.point_to", "… to this point"),
    ("choice.hidden.64", "64 units"),
    ("choice.hidden.128", "128 units"),
    ("choice.hidden.256", "256 units"),
    ("choice.hidden.512", "512 units (the lecture's)"),
    ("theory.title", "Theory: the formulas this demo runs, with its current values"),
    ("theory.gan.source", "Follows lecture 003 (SPbPU), “Generative adversarial networks”: the value function and the optimal discriminator; the practical example learns N(−1, 1) from z ~ uniform(0, 1)."),
    ("theory.rbm.source", "Follows lecture 000 (AGH), “Restricted Boltzmann Machine”: energy, free energy and the contrastive-divergence update; values for the first user of the data."),
    ("theory.vae.source", "Follows lecture 003 (SPbPU), “Variational autoencoder” (ELBO, KL in closed form, reparameterisation) and lecture 004, “VAE na MNIST”; values for the digit last hovered."),
    ("theory.transport.source", "Follows lecture 000 (AGH), “Odległość Wassersteina”: the definition, Sinkhorn's scalings and the Gaussian closed form (corrected: it is W2)."),
    ("theory.rbm-mnist.source", "Follows lecture 004, “Restricted Boltzmann Machine” and “Contrastive divergence CD” (energy, conditionals, the CD update with k = 1 as in practice), and lecture 000 (AGH) for the likelihood gradient and the free energy; F̄ is the mean free energy of the scored train and test digits at the last history row — a test F̄ rising above the train F̄ is the RBM starting to overfit."),
    ("settings.title", "Settings"),
    ("settings.restart_note", "Settings marked ↻ restart the run; the others apply live."),
    // Shared parameters and choices
    ("param.seed", "Seed"),
    ("param.optimizer", "Optimiser"),
    ("param.batch", "Batch size"),
    ("param.beta1", "β₁ (momentum of Adam)"),
    ("choice.optimizer.sgd", "SGD"),
    ("choice.optimizer.momentum", "Momentum"),
    ("choice.optimizer.adagrad", "AdaGrad"),
    ("choice.optimizer.rmsprop", "RMSProp"),
    ("choice.optimizer.adam", "Adam"),
    ("choice.activation.tanh", "tanh"),
    ("choice.activation.relu", "ReLU"),
    ("choice.activation.leaky_relu", "leaky ReLU"),
    // GAN
    ("param.noise", "Noise z"),
    ("choice.noise.uniform", "uniform(0, 1)"),
    ("choice.noise.normal", "N(0, 1)"),
    ("param.g_width", "G hidden width"),
    ("param.d_width", "D hidden width"),
    ("param.g_act", "G activation"),
    ("param.d_act", "D activation"),
    ("param.g_start", "G starts at (output bias)"),
    ("param.g_loss", "Generator loss"),
    ("choice.g_loss.non_saturating", "non-saturating −log D(G(z))"),
    ("choice.g_loss.minimax", "minimax log(1 − D(G(z)))"),
    ("param.d_steps", "D steps per G step (k)"),
    ("param.d_pretrain", "D-only steps first"),
    ("param.lr_g", "G learning rate"),
    ("param.lr_d", "D learning rate"),
    ("param.ema", "Show the EMA of G's weights"),
    ("param.ema_decay", "EMA decay"),
    ("gan.presets", "Presets"),
    ("gan.preset.healthy", "Healthy training"),
    ("gan.preset.minimax_stalls", "Minimax loss stalls"),
    ("gan.preset.fast_d", "Too-fast discriminator"),
    ("gan.preset.lr_too_high", "Learning rate too high"),
    ("gan.preset_help.healthy", "Non-saturating loss, Adam, one D step per G step: the histogram settles onto N(−1, 1) within a few thousand steps."),
    ("gan.preset_help.minimax_stalls", "Fakes start at +4, D learns first, plain SGD: log(1 − D(G(z))) has almost no gradient where D is sure. Switch the loss to non-saturating while it runs and watch G escape."),
    ("gan.preset_help.fast_d", "Ten D steps per G step and a fast D: D(real) → 1, D(fake) → 0, and G crawls."),
    ("gan.preset_help.lr_too_high", "Learning rates of 0.05: the generator collapses to a narrow spike and the game oscillates."),
    ("gan.step_d", "Step D only"),
    ("gan.step_g", "Step G only"),
    ("gan.chart.densities", "Densities and discriminators on x"),
    ("gan.chart.map", "The generator's map z ↦ G(z)"),
    ("gan.chart.losses", "Losses and D's outputs"),
    ("gan.chart.w1", "W1 to N(−1, 1) (exact, from quantiles)"),
    ("gan.chart.value", "Value of the game V(D, G)"),
    ("gan.series.target", "p_data = N(−1, 1)"),
    ("gan.series.hist", "G(z) histogram"),
    ("gan.series.p_g", "p_g (KDE)"),
    ("gan.series.d", "D(x)"),
    ("gan.series.d_star", "D*(x) = p_data / (p_data + p_g)"),
    ("gan.series.push", "push on fakes (dD/dx)"),
    ("gan.series.g_map", "G(z) shown"),
    ("gan.series.g_map_raw", "G(z) raw weights"),
    ("gan.series.ideal_map", "ideal maps −1 ± Φ⁻¹(z)"),
    ("gan.series.ideal_map_normal", "ideal maps −1 ± z"),
    ("gan.series.d_loss", "D loss"),
    ("gan.series.g_loss", "G loss"),
    ("gan.series.d_real", "mean D(real)"),
    ("gan.series.d_fake", "mean D(fake)"),
    ("gan.series.w1_raw", "W1 raw G"),
    ("gan.series.w1_ema", "W1 EMA of G"),
    ("gan.series.game_value", "V(D, G)"),
    ("gan.series.equilibrium", "−log 4 (equilibrium)"),
    ("gan.readout.w1", "W1 to N(−1, 1)"),
    ("gan.readout.mean_std", "G mean / std"),
    ("gan.readout.value", "V(D, G) vs −log 4"),
    ("gan.readout.updates", "D / G updates"),
    ("gan.axis.x", "x"),
    ("gan.axis.z", "z"),
    ("gan.axis.density", "density / probability"),
    ("gan.axis.step", "step"),
    ("gan.log_y", "log scale"),
    // RBM
    ("param.hidden", "Hidden units H"),
    ("param.device", "Compute device"),
    ("rbmm.explain", "Lecture 004's RBM filters on MNIST: 784 visible units (a pixel is on when at least half-bright) and H hidden units, E(v, h) = −vᵀWh − bᵀv − cᵀh, trained by contrastive divergence as in lecture 000: W ← W + η(⟨v hᵀ⟩_data − ⟨v hᵀ⟩_model), the model term from k Gibbs steps. Each filter below is one hidden unit's weights, red positive and blue negative."),
    ("rbmm.chart.filters", "Filters: each hidden unit's weights W·ⱼ as a 28×28 picture"),
    ("rbmm.filters.shown", "hidden units shown:"),
    ("rbmm.filters.scale", "colour scale"),
    ("rbmm.chart.chains", "Gibbs chains of the negative phase"),
    ("rbmm.chains.cd", "CD-k: each chain restarts at a training digit and takes k Gibbs steps — what the model makes of the digit."),
    ("rbmm.chains.pcd", "PCD: the chains persist between updates — the model's own fantasies."),
    ("rbmm.chart.recon", "Test digits (top) and their reconstructions p(v | p(h | v)) (bottom)"),
    ("rbmm.chart.recon_error", "Reconstruction error: squared pixels per digit"),
    ("rbmm.chart.free_energy", "Mean free energy F(v) = −bᵀv − Σⱼ softplus(cⱼ + vᵀW·ⱼ)"),
    ("rbmm.free_energy.hint", "Same number of train and test digits: a widening gap (test above train) is overfitting."),
    ("rbmm.series.train", "train digits"),
    ("rbmm.series.test", "test digits"),
    ("rbmm.readout.test_recon", "Reconstruction error (test)"),
    ("rbmm.readout.train_recon", "... (train)"),
    ("rbmm.readout.free_test", "Free energy (test)"),
    ("rbmm.readout.free_train", "... (train)"),
    ("choice.device.cpu", "CPU (worker)"),
    ("choice.device.gpu", "GPU (WebGPU)"),
    ("path.cpu", "Training on the CPU, in a background worker."),
    ("path.requesting", "Asking the browser for a GPU…"),
    ("path.gpu", "Training on the GPU with WebGPU compute shaders — adapter:"),
    ("path.fallback", "CPU fallback:"),
    ("path.fallback_from", "GPU adapter:"),
    ("param.method", "Training method"),
    ("choice.method.exact", "exact gradient (enumeration)"),
    ("choice.method.cd", "CD-k"),
    ("choice.method.pcd", "persistent CD"),
    ("choice.method.pt", "parallel tempering"),
    ("choice.method.gibbs", "long Gibbs runs"),
    ("param.k", "Gibbs steps k"),
    ("param.chains", "Chains / samples per update"),
    ("param.temps", "PT temperatures R"),
    ("param.t_max", "PT highest temperature"),
    ("param.long_run", "Gibbs-run length"),
    ("param.lr", "Learning rate η"),
    ("param.momentum", "Momentum / β₁"),
    ("param.weight_decay", "Weight decay"),
    ("param.compare", "Train every method side by side"),
    ("rbm.explain", "Energy E(v, h) = −vᵀWh − bᵀv − cᵀh; free energy F(v) = −bᵀv − Σⱼ softplus(cⱼ + (vᵀW)ⱼ); p(v) = e^(−F(v)) / Z. With six movies Z is a sum over 2⁶ = 64 states, so the log-likelihood of every method is computed exactly. The gradient is ⟨v hᵀ⟩_data − ⟨v hᵀ⟩_model (lecture 000 prints it with the opposite sign, which is the gradient of −ln L; its CD update is right). Batch 0 means all users."),
    ("rbm.chart.ll", "Exact mean log-likelihood of the data, per training method"),
    ("rbm.chart.dist", "The model's distribution over all users (states), the data, and a long Gibbs chain"),
    ("rbm.weights.title", "Weights, as in the lecture's table"),
    ("rbm.weights.bias", "Bias unit"),
    ("rbm.weights.hidden", "Hidden"),
    ("rbm.weights.hidden_bias", "hidden bias c"),
    ("rbm.readout.ll", "ln L / N (exact)"),
    ("rbm.readout.best", "best achievable"),
    ("rbm.readout.kl", "KL(data ‖ model)"),
    ("rbm.readout.recon", "reconstruction error"),
    ("rbm.readout.swaps", "PT swap acceptance"),
    ("rbm.exact_off", "More than 16 movies: exact likelihoods (2^d states) are off; curves of exact values are not drawn."),
    ("rbm.lane.ll_exact", "exact gradient"),
    ("rbm.lane.ll_cd1", "CD-1"),
    ("rbm.lane.ll_pcd", "PCD"),
    ("rbm.lane.ll_pt", "parallel tempering"),
    ("rbm.lane.ll_gibbs", "long Gibbs runs"),
    ("rbm.series.best", "best: −H(data)"),
    ("rbm.series.p_model", "model p(v), exact"),
    ("rbm.series.p_data", "data frequency"),
    ("rbm.series.p_gibbs", "Gibbs chain frequency, sweeps"),
    ("rbm.axis.step", "step"),
    ("rbm.axis.state", "visible state (bit i = movie i)"),
    ("rbm.axis.probability", "probability"),
    ("rbm.data.title", "Training data (editable)"),
    ("rbm.data.hint", "Toggle a rating, rename or remove a user, or add one; training restarts on the new data, which is kept in the address."),
    ("rbm.data.user", "User"),
    ("rbm.data.add", "Add user"),
    ("rbm.data.reset", "Reset to the lecture's data"),
    ("rbm.demo.gibbs", "1. Run the Gibbs chain for a long time"),
    ("rbm.demo.gibbs_hint", "Alternately sample h from p(h|v) and v from p(v|h): after a while the visible layer shows users like the training data."),
    ("rbm.demo.gibbs_start", "Start a chain"),
    ("rbm.demo.half_step", "Half-step"),
    ("rbm.demo.auto", "Run"),
    ("rbm.demo.stop", "Stop"),
    ("rbm.demo.half_steps", "half-steps:"),
    ("rbm.demo.updated_h", "h was just sampled"),
    ("rbm.demo.updated_v", "v was just sampled"),
    ("rbm.demo.looks_like", "v is exactly the ratings of"),
    ("rbm.demo.press_start", "Press “Start a chain”."),
    ("rbm.demo.clamp", "2. Set one hidden unit to 1"),
    ("rbm.demo.clamp_hint", "Hold one hidden unit at 1 and generate: which movies does it switch on? Exact p(vᵢ = 1 | hⱼ = 1) (other units summed out) beside a clamped Gibbs chain."),
    ("rbm.demo.clamped", "Clamped hidden unit"),
    ("rbm.demo.fill", "3. Fill in missing ratings"),
    ("rbm.demo.fill_hint", "A new user with some ratings unknown (?): the exact conditional p(vᵢ = 1 | known ratings) by summing over the unknowns, beside a Gibbs chain with the known ratings clamped."),
    ("rbm.demo.fill_go", "Fill in"),
    ("rbm.demo.exact", "exact"),
    ("rbm.demo.sampled", "sampled"),
    // Transport
    ("param.p", "Cost exponent p in |x − y|^p"),
    ("param.eps", "Sinkhorn ε"),
    ("param.sigma", "MMD bandwidth σ"),
    ("param.m1x", "m₁ x"),
    ("param.m1y", "m₁ y"),
    ("param.s1xx", "Σ₁ xx"),
    ("param.s1xy", "Σ₁ xy"),
    ("param.s1yy", "Σ₁ yy"),
    ("param.m2x", "m₂ x"),
    ("param.m2y", "m₂ y"),
    ("param.s2xx", "Σ₂ xx"),
    ("param.s2xy", "Σ₂ xy"),
    ("param.s2yy", "Σ₂ yy"),
    ("param.samples", "Samples per Gaussian"),
    ("param.shift", "Shift θ"),
    ("ot.explain", "W_p(μ, ν) = (inf over couplings γ of ∫ c(x, y)^p dγ)^(1/p): the cheapest way to move the mass of μ onto ν. Every number here is exact — a min-cost-flow solver for the plans, closed forms for 1-D and for Gaussians — and the Play button runs Sinkhorn's iterations one by one."),
    ("ot.part1", "1. The lecture's example: X = {1, 2, 3, 4}"),
    ("ot.part2", "2. Point clouds in 2-D"),
    ("ot.part2_hint", "Click to add a point to the chosen side, drag a point to move it, click a point to set its weight. Lines show the exact optimal plan."),
    ("ot.part3", "3. Sinkhorn: entropic transport"),
    ("ot.part3_hint", "Each step is one log-domain Sinkhorn iteration on the clouds above. Small ε: the plan sharpens towards the exact one, and its cost towards the exact cost — but more iterations are needed (watch the marginal error)."),
    ("ot.part4", "4. Maximum mean discrepancy"),
    ("ot.part4_hint", "MMD² with the kernel exp(−|x − y|² / 2σ²) between the two clouds (their points, equally weighted). The unbiased estimate leaves out the diagonal and can be negative."),
    ("ot.part5", "5. The lecture's Gaussians"),
    ("ot.part6", "6. Why Wasserstein: disjoint supports sliding apart"),
    ("ot.part6_hint", "P₀ puts its mass on the segment {0} × [0, 1], P_θ on {θ} × [0, 1]. For every θ ≠ 0 the supports are disjoint: KL is infinite and JS is stuck at ln 2, so neither tells how far apart they are; W1 = |θ| does, smoothly — the argument behind WGAN and WAE."),
    ("ot.slide_note", "The slide writes W1 = ‖m₁ − m₂‖ + tr(Σ₁ + Σ₂ − 2(Σ₁^½ Σ₂ Σ₁^½)^½)^½ with Σ₁^½ from a Cholesky factor. The closed form is for W2: W2² = ‖m₁ − m₂‖² + tr(Σ₁ + Σ₂ − 2(Σ₁^½ Σ₂ Σ₁^½)^½) with the symmetric positive square root (a Cholesky factor L gives L Σ₂ L, not the same matrix). For the lecture's pair W2² = 22 − 2√3, W2 ≈ 4.305; the slide's expression gives the value shown above."),
    ("ot.axis.mass", "mass"),
    ("ot.plan_matrix", "The optimal plan γ as a matrix: row i sends γᵢⱼ of μ's mass at i to j"),
    ("ot.part5_hint", "Drag either centre; reshape the covariances with the Σ sliders. The sample estimate uses the exact plan between two samples of the chosen size: it tightens as the samples grow."),
    ("ot.axis.x1", "x₁"),
    ("ot.axis.x2", "x₂"),
    ("ot.axis.plan_cols", "target points ν"),
    ("ot.axis.plan_rows", "source points μ"),
    ("ot.axis.iteration", "iteration"),
    ("ot.series.moves", "optimal moves"),
    ("ot.series.samples", "samples of"),
    ("ot.series.kl", "KL = ∞ (off the chart) for θ ≠ 0"),
    ("ot.series.now", "current θ"),
    ("ot.series.sinkhorn_cost", "⟨γ_ε, C⟩ Sinkhorn"),
    ("ot.series.exact_cost", "exact"),
    ("ot.series.marginal_error", "marginal error Σ|γ1 − a|"),
    ("ot.sinkhorn_plan", "Sinkhorn plan"),
    ("ot.exact_plan", "exact plan"),
    ("ot.add_bin", "Add a point to X"),
    ("ot.remove_bin", "Remove the last point"),
    ("ot.reset_lecture", "Back to the lecture's example"),
    ("ot.reset_clouds", "Reset the clouds"),
    ("ot.weight", "weight"),
    ("ot.delete", "Delete"),
    ("ot.readout.exact", "W_p, exact solver"),
    ("ot.readout.formula", "W_p, 1-D closed form (quantiles)"),
    ("ot.readout.breakdown", "cost: mass · |x − y|^p"),
    ("ot.readout.totals", "total mass μ / ν (renormalised)"),
    ("ot.readout.emd", "W_p between the clouds (exact)"),
    ("ot.readout.points", "points μ / ν"),
    ("ot.readout.sinkhorn", "Sinkhorn cost ⟨γ_ε, C⟩"),
    ("ot.readout.exact_cost", "exact cost ⟨γ*, C⟩"),
    ("ot.readout.iterations", "iterations"),
    ("ot.readout.mmd_biased", "MMD² biased"),
    ("ot.readout.mmd_unbiased", "MMD² unbiased"),
    ("ot.readout.w2_closed", "W2, closed form"),
    ("ot.readout.w2_sample", "W2 from samples (exact plan)"),
    ("ot.readout.slide", "the slide's expression"),
    ("gan.explain", "The generator G maps one number z ~ uniform(0, 1) to x; the discriminator D says how likely x is real. For a fixed G the best D is D*(x) = p_data(x) / (p_data(x) + p_g(x)), and at D* the game's value is −log 4 + 2·JSD(p_data ‖ p_g): it reaches −log 4 only when p_g = p_data."),
];

#[cfg(test)]
mod tests {
    use super::*;
    use genlab_core::gan::Preset;
    use genlab_core::lesson::LessonId;
    use genlab_core::settings::{ChoiceEnum, Kind};

    /// Every parameter of `lesson` has a label, and every option of its choices too.
    fn assert_labels(lesson: LessonId) {
        let spec = lesson.built().expect("built");
        for p in (spec.params)() {
            let key = format!("param.{}", p.key);
            assert!(has(Lang::En, &key), "{lesson:?}: missing {key}");
            if let Kind::Choice { options } = p.kind {
                for o in options {
                    let label = crate::choice_label_key(p.key, o);
                    assert!(has(Lang::En, &label), "{lesson:?}: missing {label}");
                }
            }
        }
    }

    /// Every language has exactly the English keys, none empty: a missing translation fails here,
    /// not in front of a class.
    #[test]
    fn every_language_has_every_key() {
        fn keys(t: &'static [(&'static str, &'static str)]) -> Vec<&'static str> {
            t.iter().map(|(k, _)| *k).collect()
        }
        let en = keys(EN);
        for lang in Lang::ALL {
            let t = table(*lang);
            let mine = keys(t);
            for k in &en {
                assert!(mine.contains(k), "{lang:?} lacks {k}");
            }
            for k in &mine {
                assert!(en.contains(k), "{lang:?} has {k}, which English does not");
            }
            let mut sorted = mine.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(sorted.len(), mine.len(), "{lang:?} repeats a key");
            assert!(
                t.iter().all(|(_, v)| !v.trim().is_empty()),
                "{lang:?}: an empty text"
            );
        }
        // The decks' own terms.
        assert_eq!(
            tr(Lang::Pl, "lesson.rbm.title"),
            "Ograniczona Maszyna Boltzmanna"
        );
        assert_eq!(
            tr(Lang::Ru, "lesson.rbm.title"),
            "Ограниченная машина Больцмана"
        );
        assert!(tr(Lang::Ru, "lesson.vae.title").contains("Вариационный автокодировщик"));
        assert!(tr(Lang::Pl, "choice.method.cd").contains("kontrastywna dywergencja"));
    }

    /// Every message the model code can send reads in every language, with the same arguments.
    #[test]
    fn every_message_in_every_language() {
        let placeholders = |t: &str| (0..10).filter(|i| t.contains(&format!("{{{i}}}"))).count();
        for lang in Lang::ALL {
            let t = msg_table(*lang);
            assert_eq!(t.len(), genlab_core::msg::EN.len(), "{lang:?}");
            for (key, en) in genlab_core::msg::EN {
                let mine = lookup(t, key).unwrap_or_else(|| panic!("{lang:?} lacks {key}"));
                assert_eq!(placeholders(mine), placeholders(en), "{lang:?} {key}");
                assert!(!mine.trim().is_empty());
            }
        }
        let m = genlab_core::msg!(
            "msg.ot.sinkhorn_blocked",
            genlab_core::msg!("msg.ot.zero_mass")
        );
        assert_eq!(
            message(Lang::Pl, &m),
            "algorytm Sinkhorna nie może działać na tych chmurach: całkowita masa wynosi zero"
        );
        let m = genlab_core::msg!("msg.vae.nan", 12u64, 0.5);
        assert!(
            message(Lang::Ru, &m).contains("0,5"),
            "{}",
            message(Lang::Ru, &m)
        );
        assert_eq!(message(Lang::En, &m), m.to_string());
    }

    #[test]
    fn browser_languages_map_to_ours() {
        assert_eq!(Lang::from_browser("pl-PL"), Some(Lang::Pl));
        assert_eq!(Lang::from_browser("ru"), Some(Lang::Ru));
        assert_eq!(Lang::from_browser("en-US"), Some(Lang::En));
        assert_eq!(Lang::from_browser("de-DE"), None);
        assert_eq!(Lang::from_browser(""), None);
    }

    /// For every lesson in the registry: its title and blurb; for every built one, the label of
    /// each parameter and choice, and its theory panel's source. (Every language has every
    /// English key: `every_language_has_every_key`.)
    #[test]
    fn every_key_the_page_builds_exists() {
        for &lesson in LessonId::ALL {
            for part in ["title", "blurb"] {
                let key = format!("lesson.{}.{part}", lesson.key());
                assert!(has(Lang::En, &key), "missing {key}");
            }
        }
        for lesson in LessonId::all_built() {
            assert_labels(lesson);
            let source = format!("theory.{}.source", lesson.key());
            assert!(
                has(Lang::En, &source),
                "{lesson:?} has no theory panel source: {source}"
            );
        }
        for preset in Preset::ALL {
            assert!(has(Lang::En, &format!("gan.preset.{}", preset.key())));
            assert!(has(Lang::En, &format!("gan.preset_help.{}", preset.key())));
        }
        for name in genlab_core::gan::METRICS {
            assert!(
                has(Lang::En, &format!("gan.series.{name}")) || matches!(*name, "g_mean" | "g_std"),
                "{name}"
            );
        }
    }

    #[test]
    fn keys_are_unique() {
        let mut keys: Vec<&str> = EN.iter().map(|(k, _)| *k).collect();
        keys.sort();
        let n = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), n);
    }
}
