# The rbm-mnist lesson.

lesson-rbm-mnist-title = RBM on MNIST
lesson-rbm-mnist-blurb = A binary RBM (784 pixels, 16–500 hidden units) learns the digits by CD-k or PCD: its filters, Gibbs chains and reconstructions live — on the GPU through WebGPU compute shaders, or on the CPU.
theory-rbm-mnist-source = Follows lecture 004, “Restricted Boltzmann Machine” and “Contrastive divergence CD” (energy, conditionals, the CD update with k = 1 as in practice), and lecture 000 (AGH) for the likelihood gradient and the free energy; F̄ is the mean free energy of the scored train and test digits at the last history row — a test F̄ rising above the train F̄ is the RBM starting to overfit.
rbmm-explain = Lecture 004's RBM filters on MNIST: 784 visible units (a pixel is on when at least half-bright) and H hidden units, E(v, h) = −vᵀWh − bᵀv − cᵀh, trained by contrastive divergence as in lecture 000: W ← W + η(⟨v hᵀ⟩_data − ⟨v hᵀ⟩_model), the model term from k Gibbs steps. Each filter below is one hidden unit's weights, blue positive and red (vermilion) negative.
rbmm-chart-filters = Filters: each hidden unit's weights W·ⱼ as a 28×28 picture
rbmm-filters-shown = hidden units shown:
rbmm-filters-scale = colour scale
rbmm-chart-chains = Gibbs chains of the negative phase
rbmm-chains-cd = CD-k: each chain restarts at a training digit and takes k Gibbs steps — what the model makes of the digit.
rbmm-chains-pcd = PCD: the chains persist between updates — the model's own fantasies.
rbmm-chart-recon = Test digits (top) and their reconstructions p(v | p(h | v)) (bottom)
rbmm-chart-recon_error = Reconstruction error: squared pixels per digit
rbmm-chart-free_energy = Mean free energy F(v) = −bᵀv − Σⱼ softplus(cⱼ + vᵀW·ⱼ)
rbmm-free_energy-hint = Same number of train and test digits: a widening gap (test above train) is overfitting.
rbmm-series-train = train digits
rbmm-series-test = test digits
rbmm-readout-test_recon = Reconstruction error (test)
rbmm-readout-train_recon = ... (train)
rbmm-readout-free_test = Free energy (test)
rbmm-readout-free_train = ... (train)

## The metrics of every history row, as the "All metrics" panel names them.
metric-rbm-mnist-train_recon = reconstruction error, train digits
metric-rbm-mnist-test_recon = reconstruction error, test digits
metric-rbm-mnist-free_energy_train = mean free energy F(v), train digits
metric-rbm-mnist-free_energy_test = mean free energy F(v), test digits
metric-rbm-mnist-epoch = epochs
