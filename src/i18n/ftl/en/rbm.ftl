# The rbm lesson.

lesson-rbm-title = Restricted Boltzmann machine
lesson-rbm-blurb = Six movie-goers, CD-k, PCD and parallel tempering, with the exact likelihood beside each.
theory-rbm-source = Follows lecture 000 (AGH), “Restricted Boltzmann Machine”: energy, free energy and the contrastive-divergence update; values for the first user of the data.
param-chains = Chains / samples per update
param-temps = PT temperatures R
param-t_max = PT highest temperature
param-long_run = Gibbs-run length
param-momentum = Momentum / β₁
param-weight_decay = Weight decay
param-compare = Train every method side by side
rbm-explain = Energy E(v, h) = −vᵀWh − bᵀv − cᵀh; free energy F(v) = −bᵀv − Σⱼ softplus(cⱼ + (vᵀW)ⱼ); p(v) = e^(−F(v)) / Z. With six movies Z is a sum over 2⁶ = 64 states, so the log-likelihood of every method is computed exactly. The gradient is ⟨v hᵀ⟩_data − ⟨v hᵀ⟩_model (lecture 000 prints it with the opposite sign, which is the gradient of −ln L; its CD update is right). Batch 0 means all users.
rbm-chart-ll = Exact mean log-likelihood of the data, per training method
rbm-chart-dist = The model's distribution over all users (states), the data, and a long Gibbs chain
rbm-weights-title = Weights, as in the lecture's table
rbm-weights-bias = Bias unit
rbm-weights-hidden = Hidden
rbm-weights-hidden_bias = hidden bias c
rbm-readout-ll = ln L / N (exact)
rbm-readout-best = best achievable
rbm-readout-kl = KL(data ‖ model)
rbm-readout-recon = reconstruction error
rbm-readout-swaps = PT swap acceptance
rbm-exact_off = More than 16 movies: exact likelihoods (2^d states) are off; curves of exact values are not drawn.
rbm-lane-ll_exact = exact gradient
rbm-lane-ll_pt = parallel tempering
rbm-lane-ll_gibbs = long Gibbs runs
rbm-series-best = best: −H(data)
rbm-series-p_model = model p(v), exact
rbm-series-p_data = data frequency
rbm-series-p_gibbs = Gibbs chain frequency, sweeps
rbm-axis-step = step
rbm-axis-state = visible state (bit i = movie i)
rbm-axis-probability = probability
rbm-data-title = Training data (editable)
rbm-data-hint = Toggle a rating, rename or remove a user, or add one; training restarts on the new data, which is kept in the address.
rbm-data-user = User
rbm-data-add = Add user
rbm-data-reset = Reset to the lecture's data
rbm-demo-gibbs = 1. Run the Gibbs chain for a long time
rbm-demo-gibbs_hint = Alternately sample h from p(h|v) and v from p(v|h): after a while the visible layer shows users like the training data.
rbm-demo-gibbs_start = Start a chain
rbm-demo-half_step = Half-step
rbm-demo-auto = Run
rbm-demo-stop = Stop
rbm-demo-half_steps = half-steps:
rbm-demo-updated_h = h was just sampled
rbm-demo-updated_v = v was just sampled
rbm-demo-looks_like = v is exactly the ratings of
rbm-demo-press_start = Press “Start a chain”.
rbm-demo-clamp = 2. Set one hidden unit to 1
rbm-demo-clamp_hint = Hold one hidden unit at 1 and generate: which movies does it switch on? Exact p(vᵢ = 1 | hⱼ = 1) (other units summed out) beside a clamped Gibbs chain.
rbm-demo-clamped = Clamped hidden unit
rbm-demo-fill = 3. Fill in missing ratings
rbm-demo-fill_hint = A new user with some ratings unknown (?): the exact conditional p(vᵢ = 1 | known ratings) by summing over the unknowns, beside a Gibbs chain with the known ratings clamped.
rbm-demo-fill_go = Fill in
rbm-demo-exact = exact
rbm-demo-sampled = sampled

## The metrics of every history row, as the "All metrics" panel names them.
metric-rbm-ll = mean log-likelihood of the data (the chosen method), nats
metric-rbm-ll_exact = log-likelihood, exact gradient
metric-rbm-ll_cd1 = log-likelihood, CD-1
metric-rbm-ll_cdk = log-likelihood, CD-k
metric-rbm-ll_pcd = log-likelihood, persistent CD
metric-rbm-ll_pt = log-likelihood, parallel tempering
metric-rbm-ll_gibbs = log-likelihood, long Gibbs runs
metric-rbm-recon_error = reconstruction error
metric-rbm-kl = KL(data ‖ model), nats
metric-rbm-swap_rate = swap acceptance rate (parallel tempering)
