# The transport lesson.

lesson-transport-title = Earth mover's distance & optimal transport
lesson-transport-blurb = Drag mass and points; exact EMD, Sinkhorn, MMD and the Gaussian W2 in closed form.
ot-selected = selected
ot-cloud_keys = Keyboard: focus the chart, then Enter adds a point of the chosen side at the centre, [ and ] select a point, arrows move it (Shift: faster), Delete removes it.
theory-transport-source = Follows lecture 000 (AGH), “Odległość Wassersteina”: the definition, Sinkhorn's scalings and the Gaussian closed form (corrected: it is W2).
param-p = Cost exponent p in |x − y|^p
param-eps = Sinkhorn ε
param-sigma = MMD bandwidth σ
param-samples = Samples per Gaussian
param-shift = Shift θ
ot-explain = W_p(μ, ν) = (inf over couplings γ of ∫ c(x, y)^p dγ)^(1/p): the cheapest way to move the mass of μ onto ν. Every number here is exact — a min-cost-flow solver for the plans, closed forms for 1-D and for Gaussians — and the Play button runs Sinkhorn's iterations one by one.
ot-part1 = 1. The lecture's example: X = {"{"}1, 2, 3, 4{"}"}
ot-part2 = 2. Point clouds in 2-D
ot-part2_hint = Click to add a point to the chosen side, drag a point to move it, click a point to set its weight. Lines show the exact optimal plan.
ot-part3 = 3. Sinkhorn: entropic transport
ot-part3_hint = Each step is one log-domain Sinkhorn iteration on the clouds above. Small ε: the plan sharpens towards the exact one, and its cost towards the exact cost — but more iterations are needed (watch the marginal error).
ot-part4 = 4. Maximum mean discrepancy
ot-part4_hint = MMD² with the kernel exp(−|x − y|² / 2σ²) between the two clouds (their points, equally weighted). The unbiased estimate leaves out the diagonal and can be negative.
ot-part5 = 5. The lecture's Gaussians
ot-part6 = 6. Why Wasserstein: disjoint supports sliding apart
ot-part6_hint = P₀ puts its mass on the segment {"{"}0{"}"} × [0, 1], P_θ on {"{"}θ{"}"} × [0, 1]. For every θ ≠ 0 the supports are disjoint: KL is infinite and JS is stuck at ln 2, so neither tells how far apart they are; W1 = |θ| does, smoothly — the argument behind WGAN and WAE.
ot-slide_note = The slide writes W1 = ‖m₁ − m₂‖ + tr(Σ₁ + Σ₂ − 2(Σ₁^½ Σ₂ Σ₁^½)^½)^½ with Σ₁^½ from a Cholesky factor. The closed form is for W2: W2² = ‖m₁ − m₂‖² + tr(Σ₁ + Σ₂ − 2(Σ₁^½ Σ₂ Σ₁^½)^½) with the symmetric positive square root (a Cholesky factor L gives L Σ₂ L, not the same matrix). For the lecture's pair W2² = 22 − 2√3, W2 ≈ 4.305; the slide's expression gives the value shown above.
ot-axis-mass = mass
ot-plan_matrix = The optimal plan γ as a matrix: row i sends γᵢⱼ of μ's mass at i to j
ot-part5_hint = Drag either centre; reshape the covariances with the Σ sliders. The sample estimate uses the exact plan between two samples of the chosen size: it tightens as the samples grow.
ot-axis-plan_cols = target points ν
ot-axis-plan_rows = source points μ
ot-axis-iteration = iteration
ot-series-moves = optimal moves
ot-series-samples = samples of
ot-series-kl = KL = ∞ (off the chart) for θ ≠ 0
ot-series-now = current θ
ot-series-sinkhorn_cost = ⟨γ_ε, C⟩ Sinkhorn
ot-series-exact_cost = exact
ot-series-marginal_error = marginal error Σ|γ1 − a|
ot-sinkhorn_plan = Sinkhorn plan
ot-exact_plan = exact plan
ot-add_bin = Add a point to X
ot-remove_bin = Remove the last point
ot-reset_lecture = Back to the lecture's example
ot-reset_clouds = Reset the clouds
ot-weight = weight
ot-delete = Delete
ot-readout-exact = W_p, exact solver
ot-readout-formula = W_p, 1-D closed form (quantiles)
ot-readout-breakdown = cost: mass · |x − y|^p
ot-readout-totals = total mass μ / ν (renormalised)
ot-readout-emd = W_p between the clouds (exact)
ot-readout-points = points μ / ν
ot-readout-sinkhorn = Sinkhorn cost ⟨γ_ε, C⟩
ot-readout-exact_cost = exact cost ⟨γ*, C⟩
ot-readout-iterations = iterations
ot-readout-mmd_biased = MMD² biased
ot-readout-mmd_unbiased = MMD² unbiased
ot-readout-w2_closed = W2, closed form
ot-readout-w2_sample = W2 from samples (exact plan)
ot-readout-slide = the slide's expression

## The metrics of every history row, as the "All metrics" panel names them.
metric-transport-sinkhorn_cost = Sinkhorn cost ⟨γ_ε, C⟩
metric-transport-exact_cost = exact cost ⟨γ*, C⟩
metric-transport-marginal_error = marginal error Σ|γ1 − a|
