lesson-wae-title = Shaping the latent space: VAE, WAE and AAE
lesson-wae-blurb = KL, MMD or a discriminator pushes the codes towards a prior you choose, side by side, with the exact distance to it.
theory-wae-source = Lecture 000 (Wasserstein autoencoders: L = L_R + λ·D(q(z), p(z)), MMD), lecture 003 (adversarial autoencoders, their three phases), lecture 000/003 (the VAE's KL).
wae-explain = An autoencoder with a 2-D code, pushed towards a prior p(z) you choose in one of three ways: the VAE's KL per digit, the WAE's MMD between the batch's codes and prior samples, or the adversarial autoencoder's discriminator — beside a plain autoencoder that is not pushed at all. Every lane trains on the same digits, prior samples and noise; every lane is measured the same way: the exact earth mover's distance W₁ and MMD² between its test codes and one prior sample.
wae-chart-lanes = Test codes (coloured by digit) over a sample of the prior (grey)
wae-lanes-hint = Each panel is one regulariser. The numbers under it: the exact W₁ between its codes and the prior sample (the transport lesson's solver), MMD² (Gaussian kernel, σ = 1) and the reconstruction loss per test digit in nats. The VAE's KL has its closed form only against N(0, I): whatever prior you choose, that lane is pulled towards N(0, I) — the other two can be pulled towards any prior they can sample.
wae-supports-note = The WAE's first claim: it needs no overlapping supports. A KL between distributions with disjoint supports is infinite and tells the encoder nothing; W₁ and MMD stay finite and still say how far — the transport lesson shows it on two point clouds.
wae-supports-link = Open the transport lesson
wae-readout-floor = Two prior samples apart
wae-readout-real_sharpness = Sharpness of real digits
wae-readout-images_per_sec = Images/s per lane (all lanes)
wae-device-mixed = Some lanes train on the CPU beside the GPU's lanes, on the same batches: this device has no twin for them. The lanes step together, so they set the pace (images/s).
wae-chart-samples = The same prior points decoded by every lane
wae-samples-hint = Lecture 000's claim that a WAE's samples are less blurry, as a number: sharpness is the mean squared difference between neighbouring pixels (a blur spreads each stroke's edge over more pixels and lowers it); compare each lane with real digits'.
wae-samples-sharpness = sharpness
wae-chart-tradeoff = Reconstruction against distance to the prior, every lane now
wae-tradeoff-hint = What each regulariser trades: down is better reconstruction, left is closer to the prior. The dashed line is where two prior samples already are.
wae-axis-emd = exact W₁ of the test codes to the prior
wae-axis-rec = reconstruction (nats per digit)
wae-chart-rec = Reconstruction loss per test digit (nats)
wae-chart-emd = Exact W₁ of the test codes to the prior
wae-emd-hint = The same prior sample for every lane; two prior samples of this size are apart by the floor shown beside the panels.
wae-lane-kl = VAE: KL per digit (β)
wae-lane-mmd = WAE: MMD to the prior (λ)
wae-lane-adversarial = AAE: discriminator on z
wae-lane-none = Plain autoencoder
wae-lane-rec = reconstruction
wae-series-floor = two prior samples apart
wae-series-prior = prior sample
wae-chart-disc = The adversarial autoencoder's discriminator over the latent plane
wae-disc-hint = Left D(z), the probability the trained discriminator gives that z came from the prior; right the optimal D*(z) = p(z) / (p(z) + q(z)), with q the codes' density estimated by a Gaussian kernel density estimate (the aggregate posterior has no closed form). Black dots: the codes.
wae-disc-p_closed = Here p(z) is in closed form.
wae-disc-p_quadrature = Here p(z) is a quadrature along the swiss roll's curve.
wae-disc-learned = D(z), trained
wae-disc-optimal = D*(z) = p / (p + q)
wae-disc-supervised = With the supervised prior the discriminator reads the label: its picture is one per class, and the optimal one needs q per class — the picture shows the label 0.
param-prior = Prior p(z)
param-shaping = Regulariser (one lane)
param-mmd_lambda = λ of the MMD (WAE)
param-kernel = MMD kernel
param-scale = Kernel scale
param-adv_lambda = λ of the generator phase (AAE)
param-disc_width = Discriminator width
param-disc_lr = Discriminator learning rate
param-disc_steps = Discriminator steps per batch
param-supervised = Supervised prior (class k on ring component k)
choice-prior-normal = N(0, I)
choice-prior-ring = ring of ten Gaussians
choice-prior-square = uniform square
choice-prior-swiss_roll = swiss roll
choice-shaping-kl = KL (VAE)
choice-shaping-mmd = MMD (WAE)
choice-shaping-adversarial = discriminator (AAE)
choice-shaping-none = none (plain AE)
choice-kernel-imq = inverse multiquadric
choice-kernel-rbf = Gaussian (RBF)
metric-wae-rec_kl = VAE (KL) reconstruction per test digit, nats
metric-wae-rec_mmd = WAE (MMD) reconstruction per test digit, nats
metric-wae-rec_adversarial = AAE (discriminator) reconstruction per test digit, nats
metric-wae-rec_none = plain AE reconstruction per test digit, nats
metric-wae-emd_kl = VAE (KL) exact W₁ of the test codes to the prior
metric-wae-emd_mmd = WAE (MMD) exact W₁ of the test codes to the prior
metric-wae-emd_adversarial = AAE (discriminator) exact W₁ of the test codes to the prior
metric-wae-emd_none = plain AE exact W₁ of the test codes to the prior
metric-wae-mmd_kl = VAE (KL) MMD² of the test codes to the prior (RBF, σ = 1)
metric-wae-mmd_mmd = WAE (MMD) MMD² of the test codes to the prior (RBF, σ = 1)
metric-wae-mmd_adversarial = AAE (discriminator) MMD² of the test codes to the prior (RBF, σ = 1)
metric-wae-mmd_none = plain AE MMD² of the test codes to the prior (RBF, σ = 1)
metric-wae-disc_loss = AAE discriminator cross-entropy (log 2 ≈ 0.69: it cannot tell)
metric-wae-epoch = epochs
