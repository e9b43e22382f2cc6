# The rbm-mnist lesson.

lesson-rbm-mnist-title = RBM на MNIST
lesson-rbm-mnist-blurb = Бинарная RBM (784 пикселя, 16–500 скрытых нейронов) учится на цифрах методом CD-k или PCD: её фильтры, цепи Гиббса и реконструкции вживую — на GPU через вычислительные шейдеры WebGPU или на CPU.
theory-rbm-mnist-source = По лекции 004, «Restricted Boltzmann Machine» и «Contrastive divergence CD» (энергия, условные распределения, правило CD с k = 1, как на практике), и лекции 000 (AGH): градиент правдоподобия и свободная энергия; F̄ — средняя свободная энергия оцениваемых обучающих и тестовых цифр в последней строке истории: если тестовая F̄ растёт выше обучающей, RBM начинает переобучаться.
rbmm-explain = Фильтры RBM на MNIST из лекции 004: 784 видимых нейрона (пиксель включён, если он хотя бы наполовину яркий) и H скрытых, E(v, h) = −vᵀWh − bᵀv − cᵀh, обучение контрастивной дивергенцией, как в лекции 000: W ← W + η(⟨v hᵀ⟩_данные − ⟨v hᵀ⟩_модель), член модели — из k шагов Гиббса. Каждый фильтр ниже — веса одного скрытого нейрона: синие положительные, красные отрицательные.
rbmm-chart-filters = Фильтры: веса W·ⱼ каждого скрытого нейрона как картинка 28×28
rbmm-filters-shown = показано скрытых нейронов:
rbmm-filters-scale = цветовая шкала
rbmm-chart-chains = Цепи Гиббса негативной фазы
rbmm-chains-cd = CD-k: каждая цепь стартует с обучающей цифры и делает k шагов Гиббса — что модель делает с цифрой.
rbmm-chains-pcd = PCD: цепи сохраняются между обновлениями — собственные фантазии модели.
rbmm-chart-recon = Тестовые цифры (сверху) и их реконструкции p(v | p(h | v)) (снизу)
rbmm-chart-recon_error = Ошибка реконструкции: сумма квадратов на цифру
rbmm-chart-free_energy = Средняя свободная энергия F(v) = −bᵀv − Σⱼ softplus(cⱼ + vᵀW·ⱼ)
rbmm-free_energy-hint = Одинаковое число обучающих и тестовых цифр: растущий разрыв (тест выше обучения) — переобучение.
rbmm-series-train = обучающие цифры
rbmm-series-test = тестовые цифры
rbmm-readout-test_recon = Ошибка реконструкции (тест)
rbmm-readout-train_recon = ... (обучение)
rbmm-readout-free_test = Свободная энергия (тест)
rbmm-readout-free_train = ... (обучение)

## The metrics of every history row, as the "All metrics" panel names them.
metric-rbm-mnist-train_recon = ошибка реконструкции, обучающие цифры
metric-rbm-mnist-test_recon = ошибка реконструкции, тестовые цифры
metric-rbm-mnist-free_energy_train = средняя свободная энергия F(v), обучающие цифры
metric-rbm-mnist-free_energy_test = средняя свободная энергия F(v), тестовые цифры
metric-rbm-mnist-epoch = эпохи
