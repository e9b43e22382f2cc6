# The vae lesson.

lesson-vae-title = Вариационный автокодировщик на MNIST
lesson-vae-blurb = Двумерное латентное пространство настоящих цифр: водите по нему, интерполируйте, смотрите, как складываются кластеры.
vae-latent-keys = Клавиатура: выберите график, стрелки двигают декодируемую точку (Shift — быстрее), Home возвращает в начало координат, [ и ] показывают предыдущую / следующую тестовую цифру.
vae-explain = Кодировщик переводит каждую цифру 28×28 в гауссиану q(z|x) = N(μ, σ²) в двумерном латентном пространстве; z = μ + σ ⊙ ε (трюк репараметризации) проходит через декодировщик обратно к 784 вероятностям пикселей. Функция потерь на изображение — бернуллиевская перекрёстная энтропия реконструкции плюс β · KL(q(z|x) ‖ N(0, I)) в замкнутой форме — отрицательный ELBO при β = 1. Архитектура как в лекции: Input–H–2·(μ, σ)–2–H–Output. β = 0 — обычный автокодировщик: посмотрите, как разбегаются его коды.
vae-chart-latent = Латентное пространство: μ тестовых цифр
vae-latent-hint = Щёлкните или проведите в любом месте, чтобы декодировать эту точку; наведите на точку данных, чтобы закодировать эту цифру (справа).
vae-legend = Цвета цифр
vae-collapsed = Теперь все цифры получают один и тот же код: нейроны ReLU кодировщика умерли (до них больше не доходит ни один вход), обычно из-за слишком большой скорости обучения. Обучение их не оживит — уменьшите скорость обучения и нажмите «Сброс».
vae-explore-title = Декодировано под указателем
vae-series-path = путь интерполяции
vae-series-alpha = z при α
vae-series-explore = исследуемое z
vae-chart-grid = Декодированная сетка 15 × 15
vae-grid-prior = В квантилях N(0, 1) от 5 % до 95 % по каждой оси, как в лекции
vae-grid-codes = При β = 0 априорного распределения нет: сетка охватывает квантили среднее ± ст. откл. кодов
vae-readout-epoch = Эпохи
vae-readout-test_loss = Тестовый −ELBO (нат / цифру)
vae-readout-test_rec = … реконструкция
vae-readout-test_kl = … KL
vae-readout-knn = Точность 5-NN по двумерным μ
vae-readout-spread = Разброс μ (ст. откл. z₁ / z₂)
vae-readout-images_per_sec = Изображений / с
vae-reparam-title = Шаг репараметризации
vae-reparam-hint = Наведите на точку в латентном пространстве, чтобы провести одну тестовую цифру через сеть.
vae-reparam-digit = Тестовая цифра
vae-reparam-label = метка
vae-reparam-rec = −log p(x|z) (нат)
vae-reparam-kl = KL(q(z|x) ‖ p(z)) (нат)
vae-reparam-images = Цифра, декодированная в μ, декодированная в z
vae-reparam-new_eps = Другое ε
vae-interp-set_from = Интерполировать от этой цифры
vae-interp-set_to = … до этой цифры
vae-interp-between = z = (1 − α) z₁ + α z₂ между тестовыми цифрами
vae-interp-at_alpha = Декодировано при выбранном α
vae-chart-interp = Интерполяция в латентном пространстве
vae-chart-samples = Сэмплы: z ~ N(0, I), декодированные
vae-samples-new = Новые сэмплы
vae-chart-recon = Тестовые цифры (сверху) и их реконструкции (снизу)
vae-chart-rec = Реконструкция −log p(x|z) на цифру (нат); −ELBO = это + KL
vae-chart-kl = KL(q(z|x) ‖ N(0, I)) на цифру (нат)
vae-chart-knn = Точность 5-NN тестовых меток по их μ
vae-series-train = обучение (скользящее среднее)
vae-series-test = тест
vae-series-train_kl = KL на обучении
vae-series-test_kl = KL на тесте
vae-series-knn = точность 5-NN
vae-axis-step = шаг (мини-батчи)
param-beta = β (вес слагаемого KL)
param-from = Интерполировать от тестовой цифры №
param-to = … до тестовой цифры №
param-ends = Интерполировать между
choice-ends-digits = двумя тестовыми цифрами
choice-ends-points = двумя латентными точками
vae-interp-between_points = z = (1 − α) z₁ + α z₂ между точками
vae-interp-point_from = Интерполировать от этой точки
vae-interp-point_to = … до этой точки
choice-hidden-64 = 64 нейрона
choice-hidden-128 = 128 нейронов
choice-hidden-256 = 256 нейронов
choice-hidden-512 = 512 нейронов (как в лекции)
theory-vae-source = По лекции 003 (СПбПУ), «Вариационный автокодировщик» (ELBO, KL в замкнутой форме, репараметризация) и лекции 004, «VAE na MNIST»; значения для последней цифры под указателем.

## The metrics of every history row, as the "All metrics" panel names them.
metric-vae-train_rec = реконструкция −log p(x|z) на обучении, наты (скользящее среднее)
metric-vae-train_kl = KL(q(z|x) ‖ N(0, I)) на обучении, наты
metric-vae-train_loss = −ELBO на обучении, наты
metric-vae-test_rec = реконструкция −log p(x|z) на тесте, наты
metric-vae-test_kl = KL(q(z|x) ‖ N(0, I)) на тесте, наты
metric-vae-test_loss = −ELBO на тесте, наты
metric-vae-knn5 = точность 5-NN для меток тестовых цифр по μ
metric-vae-latent_std_1 = разброс μ₁ по тестовым цифрам (ст. отклонение)
metric-vae-latent_std_2 = разброс μ₂ по тестовым цифрам (ст. отклонение)
metric-vae-epoch = эпохи
vae-posterior-title = Точное апостериорное распределение p(z|x)
vae-posterior-hint = При двумерном латентном пространстве истинное апостериорное распределение можно вычислить: p(x|z) p(z) на сетке по z, нормированное численно, так что log p(x) — квадратура, а не оценка снизу. ELBO распределения q(z|x) энкодера меньше его ровно на KL(q(z|x) ‖ p(z|x)) — зазор из лекции 003.
vae-posterior-run = Вычислить точное апостериорное распределение этой цифры
vae-posterior-waiting = вычисление на сетке…
vae-posterior-at_step = сеть на шаге
vae-posterior-log_px = log p(x), квадратура (наты)
vae-posterior-elbo = ELBO распределения q(z|x) (наты)
vae-posterior-gap = зазор = KL(q(z|x) ‖ p(z|x))
vae-posterior-iwae = оценка по значимости (importance weighting)
vae-posterior-pictures = Слева точное p(z|x), справа q(z|x) энкодера, каждое в масштабе своего максимума, на
vae-draw-title = Нарисуйте цифру
vae-draw-hint = Рисуйте мышью, пальцем или пером; когда вы отпустите, рисунок масштабируется и центрируется как цифры MNIST, кодируется, и для него вычисляется точное апостериорное распределение.
vae-draw-brush = Кисть
vae-draw-encode = Закодировать
vae-draw-clear = Очистить
vae-draw-pictures = Ваша цифра, как её видит сеть (масштабированная и центрированная), и её реконструкция из μ
vae-series-q_inspected = q(z|x), выбранная цифра (μ ± σ)
vae-series-q_drawn = q(z|x), ваш рисунок (μ ± σ)
