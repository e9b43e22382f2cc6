# The cvae lesson.

lesson-cvae-title = Warunkowy VAE na MNIST
lesson-cvae-blurb = Podaj dekoderowi etykietę: z zachowuje styl. Zamieniaj etykiety, rysuj cyfry, licz w przestrzeni z i zobacz dokładny rozkład a posteriori.
cvae-explain = Etykieta y (one-hot) wchodzi do kodera obok obrazu i do dekodera obok z: q(z|x, y) i p(x|z, y), przy p(z|y) = N(0, I). Funkcja straty jest taka jak w VAE, z y w obu sieciach — −log p(x|z, y) + β · KL(q(z|x, y) ‖ p(z|y)), jak na wykładzie 000 (ze znakiem KL, jaki być musi: slajd pisze −KL). Obok trenuje się zwykły VAE tej samej wielkości na tych samych porcjach i szumie, więc obie przestrzenie utajone można porównać. Zdekoduj dowolne z z dowolną etykietą: ten sam styl, inna cyfra.
cvae-chart-latent = Przestrzeń utajona CVAE: μ cyfr testowych
cvae-chart-vae_latent = Obok zwykły VAE (te same porcje)
cvae-latent-hint = Kliknij punkt, by wybrać tę cyfrę testową (po prawej): do dokładnego rozkładu a posteriori, arytmetyki lub interpolacji.
cvae-knn-why = Dlaczego kolory po lewej się mieszają: w CVAE dekoder dostaje informację, którą cyfrę narysować, więc z nie musi jej nieść — koder zostawia w z tylko to, czego etykieta nie mówi (nachylenie, grubość, szerokość), a kody różnych cyfr na siebie zachodzą. Dokładność 5-NN etykiet z z spada w stronę losowej (10 %), podczas gdy zwykły VAE, który musi zapisać klasę w z, sortuje cyfry według klas.
cvae-chart-grid = Zdekodowana siatka dla jednej etykiety, 15 × 15
cvae-class-pick = Etykieta siatki i narysowanej cyfry
cvae-grid-caption = z w kwantylach N(0, 1), dekodowane z
cvae-grid-others = pozostałe wymiary ustalone na
cvae-grid-others_digit = pozostałe wymiary ustalone na kodzie cyfry testowej
cvae-chosen-hold = ustal pozostałe wymiary na jej kodzie
cvae-readout-loss = −ELBO CVAE na zbiorze testowym (naty / cyfrę)
cvae-readout-vae_loss = −ELBO VAE na zbiorze testowym (naty / cyfrę)
cvae-readout-knn = Dokładność 5-NN z z (CVAE)
cvae-readout-vae_knn = Dokładność 5-NN z z (VAE)
cvae-chosen-title = Wybrana cyfra testowa
cvae-chosen-digit = Cyfra testowa nr
cvae-chosen-as_a = jako a
cvae-chosen-as_b = jako b
cvae-chosen-as_c = jako c
cvae-chosen-from = interpoluj od
cvae-chosen-to = … do
cvae-chart-swap = Ten sam styl, inna cyfra
cvae-swap-hint = Każdy wiersz: cyfra testowa (z lewej), zakodowana raz z własną etykietą, potem zdekodowana z tego z z każdą etykietą 0–9.
cvae-chart-per_class = Próbki dla każdej etykiety
cvae-per_class-hint = Wiersz = etykieta 0–9; każda kolumna dekoduje jedno z ~ N(0, I) z każdą etykietą: styl zostaje, cyfra się zmienia.
cvae-chart-arith = Arytmetyka w przestrzeni utajonej: z_c + (z_a − z_b)
cvae-arith-mean_of = średni kod klasy
cvae-arith-use_mean = średnia klasy dla
cvae-arith-pictures = a, b i c tak, jak dekoder rysuje je z ich kodów, potem z_c + (z_a − z_b) zdekodowane z etykietą c.
cvae-chart-interp = Interpolacja
cvae-interp-style = z od jednej cyfry do drugiej, etykieta stała:
cvae-interp-label = etykieta od jednej cyfry do drugiej, z stałe:
cvae-interp-move_z = Przesuwaj z (etykieta stała)
cvae-interp-move_label = Przesuwaj etykietę (z stałe)
cvae-chart-loss = −ELBO na cyfrę testową (naty): CVAE i VAE
cvae-chart-knn = Dokładność 5-NN etykiet z z: CVAE i VAE
cvae-series-chosen = wybrana cyfra
cvae-series-difference = z_a − z_b oraz od z_c
cvae-series-result = z_c + (z_a − z_b)
cvae-series-cvae_loss = CVAE
cvae-series-vae_loss = VAE
cvae-series-cvae_knn = CVAE
cvae-series-vae_knn = VAE
cvae-draw-title = Narysuj cyfrę
cvae-draw-hint = Rysuj myszą, palcem lub piórem; rysunek jest skalowany i centrowany jak cyfry MNIST, potem kodowany z każdą etykietą i dekodowany z tą samą.
cvae-draw-digit = Rysunek tak, jak widzi go sieć (28 × 28)
cvae-draw-by_label = Rysunek zrekonstruowany z każdą etykietą 0–9
cvae-draw-under = Przy wybranej etykiecie
cvae-posterior-title = Dokładny rozkład a posteriori p(z|x, y)
cvae-posterior-hint = Przy dwuwymiarowej przestrzeni utajonej prawdziwy rozkład a posteriori cyfry przy jej własnej etykiecie da się policzyć: p(x|z, y) p(z|y) na siatce w z, znormalizowane numerycznie, więc log p(x|y) to kwadratura, a nie ograniczenie. ELBO rozkładu q(z|x, y) kodera jest od niego mniejsze dokładnie o KL(q(z|x, y) ‖ p(z|x, y)) — lukę z wykładu 003, przy danej etykiecie.
cvae-posterior-run = Policz dokładny rozkład a posteriori tej cyfry
cvae-posterior-waiting = liczenie na siatce…
cvae-posterior-at_step = sieć po kroku
cvae-posterior-log_px = log p(x|y), kwadratura (naty)
cvae-posterior-elbo = ELBO rozkładu q(z|x, y) (naty)
cvae-posterior-gap = luka = KL(q(z|x, y) ‖ p(z|x, y))
cvae-posterior-iwae = estymator z ważeniem istotności
cvae-posterior-pictures = Po lewej dokładne p(z|x, y), po prawej q(z|x, y) kodera, każde w skali swojego maksimum, na
cvae-draw-rec = −log p(x|z, y) (naty)
cvae-draw-kl = KL(q(z|x, y) ‖ p(z|y)) (naty)
theory-cvae-source = Według wykładu 000 (AGH), „Conditional Variational Autoencoder, CVAE” (funkcja straty z poprawionym znakiem KL, interpolacja), wykładu 004 (arytmetyka w przestrzeni utajonej) i wykładu 003 (ELBO i jego luka).
param-latent = Rozmiar przestrzeni utajonej (wymiary z)
param-class = Etykieta siatki i narysowanej cyfry
param-dim_x = Wymiar w poziomie
param-dim_y = Wymiar w pionie
param-hold = Pozostałe wymiary ustalone na
param-hold_mu = Pozostałe wymiary: ustal na kodzie cyfry testowej
param-hold_digit = … ta cyfra testowa nr
param-interp = Interpoluj
choice-interp-style = z, etykieta stała
choice-interp-label = etykietę, z stałe
param-a = Arytmetyka: a = cyfra testowa nr
param-b = Arytmetyka: b = cyfra testowa nr
param-c = Arytmetyka: c = cyfra testowa nr
param-a_mean = a: użyj średniej jej klasy
param-b_mean = b: użyj średniej jej klasy
param-c_mean = c: użyj średniej jej klasy

## The metrics of every history row, as the "All metrics" panel names them.
metric-cvae-train_rec = CVAE, zbiór uczący: −log p(x|z, y), naty (średnia bieżąca)
metric-cvae-train_kl = CVAE, zbiór uczący: KL(q(z|x, y) ‖ N(0, I)), naty
metric-cvae-train_loss = CVAE, zbiór uczący: −ELBO, naty
metric-cvae-test_rec = CVAE, zbiór testowy: −log p(x|z, y), naty
metric-cvae-test_kl = CVAE, zbiór testowy: KL(q(z|x, y) ‖ N(0, I)), naty
metric-cvae-test_loss = CVAE, zbiór testowy: −ELBO, naty
metric-cvae-knn5 = CVAE: dokładność 5-NN etykiet testowych z z
metric-cvae-vae_test_loss = VAE, zbiór testowy: −ELBO, naty
metric-cvae-vae_knn5 = VAE: dokładność 5-NN etykiet testowych z z
metric-cvae-epoch = epoki
