# Notation: symbols and names that read the same in every language (m₁ x, Σ₂ yy, V(D, G), Adam),
# written once here instead of once per language. Every language's bundle holds these too; an id
# here must not appear in a language's files (the catalog tests check).

rbm-lane-ll_cd1 = CD-1
rbm-lane-ll_pcd = PCD
param-m1x = m₁ x
param-m1y = m₁ y
param-s1xx = Σ₁ xx
param-s1xy = Σ₁ xy
param-s1yy = Σ₁ yy
param-m2x = m₂ x
param-m2y = m₂ y
param-s2xx = Σ₂ xx
param-s2xy = Σ₂ xy
param-s2yy = Σ₂ yy
ot-axis-x1 = x₁
ot-axis-x2 = x₂
param-alpha = α
param-ax = z₁ x
param-ay = z₁ y
param-bx = z₂ x
param-by = z₂ y
app-title = genlab
choice-optimizer-sgd = SGD
choice-optimizer-momentum = Momentum
choice-optimizer-adagrad = AdaGrad
choice-optimizer-rmsprop = RMSProp
choice-optimizer-adam = Adam
choice-activation-tanh = tanh
choice-activation-relu = ReLU
choice-activation-leaky_relu = leaky ReLU
choice-noise-normal = N(0, 1)
gan-series-target = p_data = N(−1, 1)
gan-series-p_g = p_g (KDE)
gan-series-d = D(x)
gan-series-d_star = D*(x) = p_data / (p_data + p_g)
gan-series-game_value = V(D, G)
gan-axis-x = x
gan-axis-z = z
metric-gan-game_value = V(D, G)
