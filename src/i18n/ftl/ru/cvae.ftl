# The cvae lesson.

lesson-cvae-title = Условный VAE на MNIST
lesson-cvae-blurb = Дайте декодеру метку: z сохраняет стиль. Меняйте метки, рисуйте цифры, считайте в пространстве z и смотрите точное апостериорное распределение.
cvae-explain = Метка y (one-hot) входит в кодировщик рядом с изображением и в декодер рядом с z: q(z|x, y) и p(x|z, y), при p(z|y) = N(0, I). Функция потерь та же, что у VAE, с y в обеих сетях — −log p(x|z, y) + β · KL(q(z|x, y) ‖ p(z|y)), как в лекции 000 (со знаком KL, каким он должен быть: на слайде написано −KL). Рядом на тех же батчах и том же шуме обучается обычный VAE того же размера, так что два латентных пространства можно сравнить. Декодируйте любое z с любой меткой: тот же стиль, другая цифра.
cvae-chart-latent = Латентное пространство CVAE: μ тестовых цифр
cvae-chart-vae_latent = Рядом обычный VAE (те же батчи)
cvae-latent-hint = Щёлкните точку, чтобы выбрать эту тестовую цифру (справа): для точного апостериорного распределения, арифметики или интерполяции.
cvae-knn-why = Почему цвета слева перемешаны: в CVAE декодеру сообщают, какую цифру рисовать, поэтому z не обязан это хранить — кодировщик оставляет в z только то, чего не говорит метка (наклон, толщину, ширину), и коды разных цифр перекрываются. Точность 5-NN меток по z падает к случайной (10 %), а обычный VAE, которому приходится хранить класс в z, раскладывает цифры по классам.
cvae-chart-grid = Декодированная сетка для одной метки, 15 × 15
cvae-class-pick = Метка сетки и нарисованной цифры
cvae-grid-caption = z в квантилях N(0, 1), декодировано с меткой
cvae-grid-others = остальные измерения зафиксированы на
cvae-grid-others_digit = остальные измерения зафиксированы на коде тестовой цифры
cvae-chosen-hold = зафиксировать остальные измерения на её коде
cvae-readout-loss = −ELBO CVAE на тесте (натов / цифру)
cvae-readout-vae_loss = −ELBO VAE на тесте (натов / цифру)
cvae-readout-knn = Точность 5-NN по z (CVAE)
cvae-readout-vae_knn = Точность 5-NN по z (VAE)
cvae-chosen-title = Выбранная тестовая цифра
cvae-chosen-digit = Тестовая цифра №
cvae-chosen-as_a = как a
cvae-chosen-as_b = как b
cvae-chosen-as_c = как c
cvae-chosen-from = интерполировать от
cvae-chosen-to = … до
cvae-chart-swap = Тот же стиль, другая цифра
cvae-swap-hint = Каждая строка: тестовая цифра (слева), закодированная один раз со своей меткой, затем декодированная из этого z с каждой меткой 0–9.
cvae-chart-per_class = Сэмплы для каждой метки
cvae-per_class-hint = Строка = метка 0–9; каждый столбец декодирует одно z ~ N(0, I) с каждой меткой: стиль остаётся, цифра меняется.
cvae-chart-arith = Арифметика в латентном пространстве: z_c + (z_a − z_b)
cvae-arith-mean_of = средний код класса
cvae-arith-use_mean = среднее класса для
cvae-arith-pictures = a, b и c, как их рисует декодер по их кодам, затем z_c + (z_a − z_b), декодированное с меткой c.
cvae-chart-interp = Интерполяция
cvae-interp-style = z от одной цифры к другой, метка фиксирована:
cvae-interp-label = метка от одной цифры к другой, z фиксировано:
cvae-interp-move_z = Двигать z (метка фиксирована)
cvae-interp-move_label = Двигать метку (z фиксировано)
cvae-chart-loss = −ELBO на тестовую цифру (наты): CVAE и VAE
cvae-chart-knn = Точность 5-NN меток по z: CVAE и VAE
cvae-series-chosen = выбранная цифра
cvae-series-difference = z_a − z_b и от z_c
cvae-series-result = z_c + (z_a − z_b)
cvae-series-cvae_loss = CVAE
cvae-series-vae_loss = VAE
cvae-series-cvae_knn = CVAE
cvae-series-vae_knn = VAE
cvae-draw-title = Нарисуйте цифру
cvae-draw-hint = Рисуйте мышью, пальцем или пером; рисунок масштабируется и центрируется, как цифры MNIST, затем кодируется с каждой меткой и декодируется с той же.
cvae-draw-digit = Рисунок, каким его видит сеть (28 × 28)
cvae-draw-by_label = Рисунок, восстановленный с каждой меткой 0–9
cvae-draw-under = При выбранной метке
cvae-posterior-title = Точное апостериорное распределение p(z|x, y)
cvae-posterior-hint = При двумерном латентном пространстве истинное апостериорное распределение цифры при её собственной метке можно вычислить: p(x|z, y) p(z|y) на сетке по z, нормированное численно, так что log p(x|y) — квадратура, а не оценка снизу. ELBO распределения q(z|x, y) энкодера меньше его ровно на KL(q(z|x, y) ‖ p(z|x, y)) — зазор из лекции 003 при данной метке.
cvae-posterior-run = Вычислить точное апостериорное распределение этой цифры
cvae-posterior-waiting = вычисление на сетке…
cvae-posterior-at_step = сеть на шаге
cvae-posterior-log_px = log p(x|y), квадратура (наты)
cvae-posterior-elbo = ELBO распределения q(z|x, y) (наты)
cvae-posterior-gap = зазор = KL(q(z|x, y) ‖ p(z|x, y))
cvae-posterior-iwae = оценка по значимости (importance weighting)
cvae-posterior-pictures = Слева точное p(z|x, y), справа q(z|x, y) энкодера, каждое в масштабе своего максимума, на
cvae-draw-rec = −log p(x|z, y) (нат)
cvae-draw-kl = KL(q(z|x, y) ‖ p(z|y)) (нат)
theory-cvae-source = По лекции 000 (AGH), «Conditional Variational Autoencoder, CVAE» (функция потерь с исправленным знаком KL, интерполяция), лекции 004 (арифметика в латентном пространстве) и лекции 003 (ELBO и его зазор).
param-latent = Размер латентного пространства (измерений z)
param-class = Метка сетки и нарисованной цифры
param-dim_x = Измерение по горизонтали
param-dim_y = Измерение по вертикали
param-hold = Остальные измерения зафиксированы на
param-hold_mu = Остальные измерения: зафиксировать на коде тестовой цифры
param-hold_digit = … эта тестовая цифра №
param-interp = Интерполировать
choice-interp-style = z, метка фиксирована
choice-interp-label = метку, z фиксировано
param-a = Арифметика: a = тестовая цифра №
param-b = Арифметика: b = тестовая цифра №
param-c = Арифметика: c = тестовая цифра №
param-a_mean = a: взять среднее её класса
param-b_mean = b: взять среднее её класса
param-c_mean = c: взять среднее её класса

## The metrics of every history row, as the "All metrics" panel names them.
metric-cvae-train_rec = CVAE, обучение: −log p(x|z, y), наты (скользящее среднее)
metric-cvae-train_kl = CVAE, обучение: KL(q(z|x, y) ‖ N(0, I)), наты
metric-cvae-train_loss = CVAE, обучение: −ELBO, наты
metric-cvae-test_rec = CVAE, тест: −log p(x|z, y), наты
metric-cvae-test_kl = CVAE, тест: KL(q(z|x, y) ‖ N(0, I)), наты
metric-cvae-test_loss = CVAE, тест: −ELBO, наты
metric-cvae-knn5 = CVAE: точность 5-NN тестовых меток по z
metric-cvae-vae_test_loss = VAE, тест: −ELBO, наты
metric-cvae-vae_knn5 = VAE: точность 5-NN тестовых меток по z
metric-cvae-epoch = эпохи
