# The cvae lesson.

lesson-cvae-title = Conditional VAE on MNIST
lesson-cvae-blurb = Give the decoder the label: z keeps the style. Swap the label, draw a digit, do arithmetic in z, and see the exact posterior.
cvae-explain = The label y (one-hot) enters the encoder beside the image and the decoder beside z: q(z|x, y) and p(x|z, y), with p(z|y) = N(0, I). The loss is the VAE's with y in both networks — −log p(x|z, y) + β · KL(q(z|x, y) ‖ p(z|y)), as in lecture 000 (with the sign of the KL as it must be: the lecture's slide writes −KL). A plain VAE of the same size trains beside it on the same batches and noise, so the two latent spaces can be compared. Decode any z with any label: the same style, another digit.
cvae-chart-latent = CVAE latent space: μ of the test digits
cvae-chart-vae_latent = The plain VAE beside it (same batches)
cvae-latent-hint = Click a dot to choose that test digit (right): use it for the exact posterior, the arithmetic or the interpolation.
cvae-knn-why = Why the colours mix on the left: in a CVAE the decoder is told which digit to draw, so z need not say it — the encoder keeps in z only what the label does not carry (slant, thickness, width), and codes of different digits overlap. The 5-NN accuracy of the labels from z falls towards chance (10 %), while the plain VAE, which must put the class into z, sorts the digits by class.
cvae-chart-grid = Decoded grid for one label, 15 × 15
cvae-class-pick = Label of the grid and of the drawn digit
cvae-grid-caption = z at N(0, 1) quantiles, decoded with
cvae-grid-others = the other dimensions held at
cvae-grid-others_digit = the other dimensions held at the code of test digit
cvae-chosen-hold = hold the other dimensions at its code
cvae-readout-loss = CVAE test −ELBO (nats / digit)
cvae-readout-vae_loss = VAE test −ELBO (nats / digit)
cvae-readout-knn = CVAE 5-NN accuracy from z
cvae-readout-vae_knn = VAE 5-NN accuracy from z
cvae-chosen-title = The chosen test digit
cvae-chosen-digit = Test digit #
cvae-chosen-as_a = as a
cvae-chosen-as_b = as b
cvae-chosen-as_c = as c
cvae-chosen-from = interpolate from
cvae-chosen-to = … to
cvae-chart-swap = Same style, other digit
cvae-swap-hint = Each row: a test digit (left), encoded once with its own label, then decoded from that z with every label 0–9.
cvae-chart-per_class = Samples per label
cvae-per_class-hint = Row = label 0–9; each column decodes one z ~ N(0, I) with every label: the style stays, the digit changes.
cvae-chart-arith = Latent arithmetic: z_c + (z_a − z_b)
cvae-arith-mean_of = mean code of class
cvae-arith-use_mean = class mean for
cvae-arith-pictures = a, b and c as the decoder draws them from their codes, then z_c + (z_a − z_b) decoded with c's label.
cvae-chart-interp = Interpolation
cvae-interp-style = z from one digit to the other, label held:
cvae-interp-label = label from one digit's to the other's, z held:
cvae-interp-move_z = Move z (label held)
cvae-interp-move_label = Move the label (z held)
cvae-chart-loss = Test −ELBO per digit (nats): CVAE and VAE
cvae-chart-knn = 5-NN accuracy of the labels from z: CVAE and VAE
cvae-series-chosen = chosen digit
cvae-series-difference = z_a − z_b, and from z_c
cvae-series-result = z_c + (z_a − z_b)
cvae-series-cvae_loss = CVAE
cvae-series-vae_loss = VAE
cvae-series-cvae_knn = CVAE
cvae-series-vae_knn = VAE
cvae-draw-title = Draw a digit
cvae-draw-hint = Draw with the mouse, a finger or a pen; it is scaled and centred as MNIST digits are, then encoded with each label and decoded with the same one.
cvae-draw-digit = The drawing as the network sees it (28 × 28)
cvae-draw-by_label = The drawing reconstructed under each label 0–9
cvae-draw-under = Under the chosen label
cvae-posterior-title = The exact posterior p(z|x, y)
cvae-posterior-hint = With a 2-D latent the true posterior of a digit under its own label can be computed: p(x|z, y) p(z|y) on a grid in z, normalised numerically, so log p(x|y) is a quadrature, not a bound. The ELBO of the encoder's q(z|x, y) falls short of it by exactly KL(q(z|x, y) ‖ p(z|x, y)) — lecture 003's gap, given the label.
cvae-posterior-run = Compute the exact posterior of this digit
cvae-posterior-waiting = computing on the grid…
cvae-posterior-at_step = network at step
cvae-posterior-log_px = log p(x|y), quadrature (nats)
cvae-posterior-elbo = ELBO of q(z|x, y) (nats)
cvae-posterior-gap = gap = KL(q(z|x, y) ‖ p(z|x, y))
cvae-posterior-iwae = importance-weighted estimate
cvae-posterior-pictures = Left the exact p(z|x, y), right the encoder's q(z|x, y), each scaled to its peak, on
cvae-draw-rec = −log p(x|z, y) (nats)
cvae-draw-kl = KL(q(z|x, y) ‖ p(z|y)) (nats)
theory-cvae-source = Follows lecture 000 (AGH), “Conditional Variational Autoencoder, CVAE” (its loss with the KL's sign corrected, interpolation), lecture 004 (latent arithmetic) and lecture 003 (ELBO and its gap).
param-latent = Latent size (dimensions of z)
param-class = Label of the grid and the drawn digit
param-dim_x = Dimension shown across
param-dim_y = Dimension shown up
param-hold = Other dimensions held at
param-hold_mu = Other dimensions: hold at a test digit's code
param-hold_digit = … that test digit #
param-interp = Interpolate
choice-interp-style = z, label held
choice-interp-label = the label, z held
param-a = Arithmetic: a = test digit #
param-b = Arithmetic: b = test digit #
param-c = Arithmetic: c = test digit #
param-a_mean = a: use its class mean
param-b_mean = b: use its class mean
param-c_mean = c: use its class mean

## The metrics of every history row, as the "All metrics" panel names them.
metric-cvae-train_rec = CVAE train −log p(x|z, y), nats (running mean)
metric-cvae-train_kl = CVAE train KL(q(z|x, y) ‖ N(0, I)), nats
metric-cvae-train_loss = CVAE train −ELBO, nats
metric-cvae-test_rec = CVAE test −log p(x|z, y), nats
metric-cvae-test_kl = CVAE test KL(q(z|x, y) ‖ N(0, I)), nats
metric-cvae-test_loss = CVAE test −ELBO, nats
metric-cvae-knn5 = CVAE 5-NN accuracy of the test labels from z
metric-cvae-vae_test_loss = VAE test −ELBO, nats
metric-cvae-vae_knn5 = VAE 5-NN accuracy of the test labels from z
metric-cvae-epoch = epochs
