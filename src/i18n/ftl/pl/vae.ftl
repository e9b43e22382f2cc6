# The vae lesson.

lesson-vae-title = Autoenkoder wariacyjny na MNIST
lesson-vae-blurb = Dwuwymiarowa przestrzeń zmiennych utajonych prawdziwych cyfr: przeciągaj po niej, interpoluj, patrz, jak tworzą się skupiska.
vae-latent-keys = Klawiatura: zaznacz wykres, strzałki przesuwają dekodowany punkt (Shift: szybciej), Home wraca do początku układu, [ i ] pokazują poprzednią / następną cyfrę testową.
vae-explain = Koder odwzorowuje każdą cyfrę 28×28 na rozkład normalny q(z|x) = N(μ, σ²) w dwuwymiarowej przestrzeni zmiennych utajonych; z = μ + σ ⊙ ε (sztuczka z reparametryzacją) przechodzi przez dekoder z powrotem do 784 prawdopodobieństw pikseli. Koszt na obraz to entropia krzyżowa Bernoulliego rekonstrukcji plus β · KL(q(z|x) ‖ N(0, I)) w postaci zamkniętej — ujemne ELBO przy β = 1. Architektura jak na wykładzie: Input–H–2·(μ, σ)–2–H–Output. β = 0 to zwykły autoenkoder: zobacz, jak rozjeżdżają się jego kody.
vae-chart-latent = Przestrzeń zmiennych utajonych: μ cyfr testowych
vae-latent-hint = Kliknij lub przeciągnij w dowolnym miejscu, aby zdekodować ten punkt; najedź na kropkę, aby zakodować tę cyfrę (po prawej).
vae-legend = Kolory cyfr
vae-on_prior = Zapaść rozkładu a posteriori: q(z|x) każdej cyfry jest teraz rozkładem a priori N(0, I) (KL na zbiorze testowym poniżej 0,05 nata), więc z nic nie mówi o cyfrze, a dekoder rysuje jedną uśrednioną cyfrę. Wiarygodność jest zbyt płaska, by opłacało się przenosić informację w z — zmniejsz σ (wiarygodność normalna) lub β.
vae-collapsed = Każda cyfra dostaje teraz ten sam kod: neurony ReLU kodera obumarły (żadne wejście już do nich nie dociera), zwykle przez zbyt duży współczynnik uczenia. Trening ich nie ożywi — zmniejsz współczynnik uczenia i naciśnij Reset.
vae-explore-title = Zdekodowane pod kursorem
vae-series-path = ścieżka interpolacji
vae-series-alpha = z przy α
vae-series-explore = badane z
vae-chart-grid = Zdekodowana siatka 15 × 15
vae-grid-prior = W kwantylach N(0, 1) od 5 % do 95 % na każdej osi, jak na wykładzie
vae-grid-codes = β = 0 nie ma rozkładu a priori: siatka obejmuje kwantyle średnia ± odchylenie kodów
vae-readout-epoch = Epoki
vae-readout-test_loss = Testowe −ELBO (naty / cyfrę)
vae-readout-test_rec = … rekonstrukcja
vae-readout-test_kl = … KL
vae-readout-knn = Trafność 5-NN z dwuwymiarowych μ
vae-readout-spread = Rozrzut μ (odch. std. z₁ / z₂)
vae-readout-images_per_sec = Obrazy / s
vae-reparam-title = Krok reparametryzacji
vae-reparam-hint = Najedź na kropkę w przestrzeni zmiennych utajonych, aby przepuścić jedną cyfrę testową przez sieć.
vae-reparam-digit = Cyfra testowa
vae-reparam-label = etykieta
vae-reparam-rec = −log p(x|z) (naty)
vae-reparam-kl = KL(q(z|x) ‖ p(z)) (naty)
vae-reparam-images = Cyfra, zdekodowana w μ, zdekodowana w z
vae-reparam-new_eps = Wylosuj inne ε
vae-interp-set_from = Interpoluj od tej cyfry
vae-interp-set_to = … do tej cyfry
vae-interp-between = z = (1 − α) z₁ + α z₂ między cyframi testowymi
vae-interp-at_alpha = Zdekodowane przy wybranym α
vae-chart-interp = Interpolacja w przestrzeni zmiennych utajonych
vae-chart-samples = Próbki: z ~ N(0, I), zdekodowane
vae-samples-new = Nowe próbki
vae-chart-recon = Cyfry testowe (u góry) i ich rekonstrukcje (na dole)
vae-chart-rec = Rekonstrukcja −log p(x|z) na cyfrę (naty); −ELBO = to + KL
vae-chart-kl = KL(q(z|x) ‖ N(0, I)) na cyfrę (naty)
vae-chart-knn = Trafność 5-NN etykiet testowych z ich μ
vae-series-train = trening (średnia bieżąca)
vae-series-test = test
vae-series-train_kl = KL treningowe
vae-series-test_kl = KL testowe
vae-series-knn = trafność 5-NN
vae-axis-step = krok (minipakiety)
param-beta = β (waga członu KL)
param-from = Interpoluj od cyfry testowej nr
param-to = … do cyfry testowej nr
param-ends = Interpoluj między
choice-ends-digits = dwiema cyframi testowymi
choice-ends-points = dwoma punktami przestrzeni utajonej
vae-interp-between_points = z = (1 − α) z₁ + α z₂ między punktami
vae-interp-point_from = Interpoluj od tego punktu
vae-interp-point_to = … do tego punktu
param-likelihood = Wiarygodność rekonstrukcji p(x|z)
choice-likelihood-bernoulli = piksele Bernoulliego (entropia krzyżowa)
choice-likelihood-gaussian = rozkład normalny o stałym σ (½‖x − DEC(z)‖²/σ²)
param-sigma_x = σ wiarygodności normalnej
vae-likelihood_note = Obie wiarygodności są w natach, więc przebiegi można porównywać. −log p(x|z) Bernoulliego to prawdopodobieństwo (nigdy poniżej 0); normalnej — gęstość na wartościach pikseli z [0, 1], więc przy małym σ może spaść poniżej 0 — przebiegi normalne porównuj między sobą przy różnych σ. Przy σ = 1 (½‖x − DEC(z)‖² z wykładu) wiarygodność jest płaska, KL częściej wygrywa i kody tłoczą się przy rozkładzie a priori; przy σ = 10 wszystkie na nim leżą.
choice-hidden-64 = 64 neurony
choice-hidden-128 = 128 neuronów
choice-hidden-256 = 256 neuronów
choice-hidden-512 = 512 neuronów (jak na wykładzie)
theory-vae-source = Według wykładu 003 (SPbPU), „Autoenkoder wariacyjny” (ELBO, KL w postaci zamkniętej, reparametryzacja) i wykładu 004, „VAE na MNIST”; wartości dla ostatnio wskazanej cyfry.

## The metrics of every history row, as the "All metrics" panel names them.
metric-vae-train_rec = rekonstrukcja −log p(x|z) na danych treningowych, naty (średnia bieżąca)
metric-vae-train_kl = KL(q(z|x) ‖ N(0, I)) na danych treningowych, naty
metric-vae-train_loss = −ELBO na danych treningowych, naty
metric-vae-test_rec = rekonstrukcja −log p(x|z) na danych testowych, naty
metric-vae-test_kl = KL(q(z|x) ‖ N(0, I)) na danych testowych, naty
metric-vae-test_loss = −ELBO na danych testowych, naty
metric-vae-knn5 = dokładność 5-NN etykiet testowych na podstawie μ
metric-vae-latent_std_1 = rozrzut μ₁ cyfr testowych (odchylenie standardowe)
metric-vae-latent_std_2 = rozrzut μ₂ cyfr testowych (odchylenie standardowe)
metric-vae-epoch = epoki
vae-posterior-title = Dokładny rozkład a posteriori p(z|x)
vae-posterior-hint = Przy dwuwymiarowej przestrzeni ukrytej prawdziwy rozkład a posteriori da się policzyć: p(x|z) p(z) na siatce w z, znormalizowane numerycznie, więc log p(x) to kwadratura, a nie ograniczenie. ELBO rozkładu q(z|x) kodera jest od niego mniejsze dokładnie o KL(q(z|x) ‖ p(z|x)) — lukę z wykładu 003.
vae-posterior-run = Policz dokładny rozkład a posteriori tej cyfry
vae-posterior-waiting = liczenie na siatce…
vae-posterior-at_step = sieć po kroku
vae-posterior-log_px = log p(x), kwadratura (naty)
vae-posterior-elbo = ELBO rozkładu q(z|x) (naty)
vae-posterior-gap = luka = KL(q(z|x) ‖ p(z|x))
vae-posterior-iwae = estymator z ważeniem istotności
vae-posterior-pictures = Po lewej dokładne p(z|x), po prawej q(z|x) kodera, każde w skali swojego maksimum, na
vae-posterior-on_gpu = { $n } dekodowań siatki policzyło GPU, na którym uczy się lekcja.
vae-posterior-on_cpu = { $n } dekodowań siatki policzył CPU, w wątku roboczym.
vae-draw-title = Narysuj cyfrę
vae-draw-hint = Rysuj myszą, palcem lub rysikiem; po oderwaniu rysunek jest skalowany i centrowany jak cyfry MNIST, kodowany, a jego dokładny rozkład a posteriori — liczony.
vae-draw-brush = Pędzel
vae-draw-encode = Koduj
vae-draw-clear = Wyczyść
vae-draw-pictures = Twoja cyfra tak, jak widzi ją sieć (przeskalowana i wyśrodkowana), i jej rekonstrukcja z μ
vae-series-q_inspected = q(z|x), badana cyfra (μ ± σ)
vae-series-q_drawn = q(z|x), twój rysunek (μ ± σ)
