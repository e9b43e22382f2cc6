# The vae lesson.

lesson-vae-title = Variational autoencoder on MNIST
lesson-vae-blurb = A 2-D latent space of real digits: drag through it, interpolate, watch the clusters form.
vae-latent-keys = Keyboard: focus the chart, then arrows move the decoded point (Shift: faster), Home returns to the origin, [ and ] inspect the previous / next test digit.
vae-explain = An encoder maps each 28×28 digit to a Gaussian q(z|x) = N(μ, σ²) in a 2-D latent space; z = μ + σ ⊙ ε (the reparameterisation trick) goes through the decoder back to 784 pixel probabilities. The loss per image is the Bernoulli cross-entropy of the reconstruction plus β · KL(q(z|x) ‖ N(0, I)), in closed form — the negative ELBO when β = 1. Architecture as in the lecture: Input–H–2·(μ, σ)–2–H–Output. β = 0 is a plain autoencoder: watch its codes spread out.
vae-chart-latent = Latent space: μ of the test digits
vae-latent-hint = Click or drag anywhere to decode that point; hover a dot to encode that digit (right).
vae-legend = Digit colours
vae-on_prior = Posterior collapse: every digit's q(z|x) is now the prior N(0, I) (the test KL is below 0.05 nats), so z says nothing about the digit and the decoder draws one average digit. The likelihood is too flat to pay for information in z — lower σ (Gaussian likelihood) or β.
vae-collapsed = Every digit now gets the same code: the encoder's ReLUs have died (no input reaches them any more), usually from too large a learning rate. Training cannot bring them back — lower the learning rate and press Reset.
vae-explore-title = Decoded at the pointer
vae-series-path = interpolation path
vae-series-alpha = z at α
vae-series-explore = explored z
vae-chart-grid = Decoded grid, 15 × 15
vae-grid-prior = At the N(0, 1) quantiles 5 %…95 % on each axis, as in the lecture
vae-grid-codes = β = 0 has no prior: the grid spans the codes' mean ± std quantiles
vae-readout-epoch = Epochs
vae-readout-test_loss = Test −ELBO (nats / digit)
vae-readout-test_rec = … reconstruction
vae-readout-test_kl = … KL
vae-readout-knn = 5-NN accuracy from 2-D μ
vae-readout-spread = Spread of μ (std z₁ / z₂)
vae-readout-images_per_sec = Images / s
vae-reparam-title = The reparameterisation step
vae-reparam-hint = Hover a dot in the latent space to take one test digit through the network.
vae-reparam-digit = Test digit
vae-reparam-label = label
vae-reparam-rec = −log p(x|z) (nats)
vae-reparam-kl = KL(q(z|x) ‖ p(z)) (nats)
vae-reparam-images = The digit, decoded at μ, decoded at z
vae-reparam-new_eps = Draw another ε
vae-interp-set_from = Interpolate from this digit
vae-interp-set_to = … to this digit
vae-interp-between = z = (1 − α) z₁ + α z₂ between test digits
vae-interp-at_alpha = Decoded at the chosen α
vae-chart-interp = Interpolation in the latent space
vae-chart-samples = Samples: z ~ N(0, I), decoded
vae-samples-new = New samples
vae-chart-recon = Test digits (top) and their reconstructions (bottom)
vae-chart-rec = Reconstruction −log p(x|z) per digit (nats); −ELBO = this + KL
vae-chart-kl = KL(q(z|x) ‖ N(0, I)) per digit (nats)
vae-chart-knn = 5-NN accuracy of the test labels from their μ
vae-series-train = train (running mean)
vae-series-test = test
vae-series-train_kl = train KL
vae-series-test_kl = test KL
vae-series-knn = 5-NN accuracy
vae-axis-step = step (batches)
param-beta = β (weight of the KL term)
param-from = Interpolate from test digit #
param-to = … to test digit #
param-ends = Interpolate between
choice-ends-digits = two test digits
choice-ends-points = two latent points
vae-interp-between_points = z = (1 − α) z₁ + α z₂ between the points
vae-interp-point_from = Interpolate from this point
vae-interp-point_to = … to this point
param-likelihood = Reconstruction likelihood p(x|z)
choice-likelihood-bernoulli = Bernoulli pixels (cross-entropy)
choice-likelihood-gaussian = Gaussian with fixed σ (½‖x − DEC(z)‖²/σ²)
param-sigma_x = σ of the Gaussian likelihood
vae-likelihood_note = Both likelihoods are in nats, so runs compare. The Bernoulli's −log p(x|z) is a probability (never below 0); the Gaussian's is a density over [0, 1] pixel values, so it can go below 0 when σ is small — compare Gaussian runs with each other across σ. At σ = 1 (the lecture's ½‖x − DEC(z)‖²) the likelihood is flat, the KL wins more often and the codes crowd the prior; at σ = 10 every code sits on it.
choice-hidden-64 = 64 units
choice-hidden-128 = 128 units
choice-hidden-256 = 256 units
choice-hidden-512 = 512 units (the lecture's)
theory-vae-source = Follows lecture 003 (SPbPU), “Variational autoencoder” (ELBO, KL in closed form, reparameterisation) and lecture 004, “VAE na MNIST”; values for the digit last hovered.

## The metrics of every history row, as the "All metrics" panel names them.
metric-vae-train_rec = train reconstruction −log p(x|z), nats (running mean)
metric-vae-train_kl = train KL(q(z|x) ‖ N(0, I)), nats
metric-vae-train_loss = train −ELBO, nats
metric-vae-test_rec = test reconstruction −log p(x|z), nats
metric-vae-test_kl = test KL(q(z|x) ‖ N(0, I)), nats
metric-vae-test_loss = test −ELBO, nats
metric-vae-knn5 = 5-NN accuracy of the test labels from μ
metric-vae-latent_std_1 = spread of μ₁ over the test digits (std)
metric-vae-latent_std_2 = spread of μ₂ over the test digits (std)
metric-vae-epoch = epochs
vae-posterior-title = The exact posterior p(z|x)
vae-posterior-hint = With a 2-D latent the true posterior can be computed: p(x|z) p(z) on a grid in z, normalised numerically, so log p(x) is a quadrature, not a bound. The ELBO of the encoder's q(z|x) falls short of it by exactly KL(q(z|x) ‖ p(z|x)) — lecture 003's gap.
vae-posterior-run = Compute the exact posterior of this digit
vae-posterior-waiting = computing on the grid…
vae-posterior-at_step = network at step
vae-posterior-log_px = log p(x), quadrature (nats)
vae-posterior-elbo = ELBO of q(z|x) (nats)
vae-posterior-gap = gap = KL(q(z|x) ‖ p(z|x))
vae-posterior-iwae = importance-weighted estimate
vae-posterior-pictures = Left the exact p(z|x), right the encoder's q(z|x), each scaled to its peak, on
vae-posterior-on_gpu = The grid's { $n } decodes ran on the GPU, where the lesson trains.
vae-posterior-on_cpu = The grid's { $n } decodes ran on the CPU, in the worker.
vae-draw-title = Draw a digit
vae-draw-hint = Draw with the mouse, a finger or a pen; when you lift it, the drawing is scaled and centred as MNIST digits are, encoded, and its exact posterior computed.
vae-draw-brush = Brush
vae-draw-encode = Encode
vae-draw-clear = Clear
vae-draw-pictures = Your digit as the network sees it (scaled and centred), and its reconstruction from μ
vae-series-q_inspected = q(z|x), inspected digit (μ ± σ)
vae-series-q_drawn = q(z|x), your drawing (μ ± σ)
