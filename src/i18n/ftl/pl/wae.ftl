lesson-wae-title = Kształtowanie przestrzeni utajonej: VAE, WAE i AAE
lesson-wae-blurb = KL, MMD albo dyskryminator popycha kody w stronę wybranego rozkładu a priori, obok siebie, z dokładną odległością do niego.
theory-wae-source = Wykład 000 (autoenkodery Wassersteina: L = L_R + λ·D(q(z), p(z)), MMD), wykład 003 (autoenkodery adwersaryjne i ich trzy fazy), wykłady 000/003 (KL w VAE).
wae-explain = Autoenkoder z dwuwymiarowym kodem, spychany ku wybranemu rozkładowi a priori p(z) na jeden z trzech sposobów: przez KL dla każdej cyfry (VAE), przez MMD między kodami z batcha a próbkami z p(z) (WAE) albo przez dyskryminator autoenkodera adwersaryjnego — obok zwykłego autoenkodera, którego nic nie spycha. Każdy tor uczy się na tych samych cyfrach, próbkach z p(z) i szumie; każdy jest mierzony tak samo: dokładną odległością przesuwania ziemi W₁ i MMD² między jego kodami cyfr testowych a jedną próbką z p(z).
wae-chart-lanes = Kody cyfr testowych (kolor = cyfra) na tle próbki z rozkładu a priori (szare)
wae-lanes-hint = Każdy panel to jeden regularyzator. Liczby pod nim: dokładne W₁ między jego kodami a próbką z p(z) (solwer z lekcji o transporcie), MMD² (jądro gaussowskie, σ = 1) i strata rekonstrukcji na cyfrę testową w natach. KL w VAE ma postać zamkniętą tylko względem N(0, I): niezależnie od wybranego rozkładu a priori ten tor jest ciągnięty ku N(0, I) — pozostałe dwa można ciągnąć ku każdemu rozkładowi, z którego da się losować.
wae-supports-note = Pierwsza teza o WAE: nie potrzebuje nakładających się nośników. KL między rozkładami o rozłącznych nośnikach jest nieskończona i nic nie mówi koderowi; W₁ i MMD pozostają skończone i nadal mówią, jak daleko — lekcja o transporcie pokazuje to na dwóch chmurach punktów.
wae-supports-link = Otwórz lekcję o transporcie
wae-readout-floor = Odległość dwóch próbek z p(z)
wae-readout-real_sharpness = Ostrość prawdziwych cyfr
wae-readout-images_per_sec = Obrazy/s na tor (wszystkie tory)
wae-device-mixed = Niektóre tory uczą się na CPU obok torów na GPU, na tych samych batchach: to urządzenie nie ma dla nich bliźniaka. Tory kroczą razem, więc to one wyznaczają tempo (obrazy/s).
wae-chart-samples = Te same punkty z p(z) zdekodowane przez każdy tor
wae-samples-hint = Teza z wykładu 000, że próbki WAE są mniej rozmyte, jako liczba: ostrość to średni kwadrat różnicy sąsiednich pikseli (rozmycie rozciąga krawędź kreski na więcej pikseli i ją obniża); porównaj każdy tor z prawdziwymi cyframi.
wae-samples-sharpness = ostrość
wae-chart-tradeoff = Rekonstrukcja a odległość do p(z), każdy tor teraz
wae-tradeoff-hint = Co wymienia każdy regularyzator: niżej to lepsza rekonstrukcja, w lewo to bliżej rozkładu a priori. Linia przerywana: tam już są dwie próbki z p(z).
wae-axis-emd = dokładne W₁ kodów testowych do p(z)
wae-axis-rec = rekonstrukcja (naty na cyfrę)
wae-chart-rec = Strata rekonstrukcji na cyfrę testową (naty)
wae-chart-emd = Dokładne W₁ kodów testowych do p(z)
wae-emd-hint = Ta sama próbka z p(z) dla każdego toru; dwie próbki tej wielkości dzieli próg podany obok paneli.
wae-lane-kl = VAE: KL dla każdej cyfry (β)
wae-lane-mmd = WAE: MMD do p(z) (λ)
wae-lane-adversarial = AAE: dyskryminator na z
wae-lane-none = Zwykły autoenkoder
wae-lane-rec = rekonstrukcja
wae-series-floor = odległość dwóch próbek z p(z)
wae-series-prior = próbka z p(z)
wae-chart-disc = Dyskryminator autoenkodera adwersaryjnego na płaszczyźnie kodów
wae-disc-hint = Po lewej D(z), prawdopodobieństwo, które wyuczony dyskryminator daje temu, że z pochodzi z p(z); po prawej optymalny D*(z) = p(z) / (p(z) + q(z)), gdzie gęstość kodów q jest estymowana jądrowym estymatorem gęstości (zagregowany rozkład a posteriori nie ma postaci zamkniętej). Czarne kropki: kody.
wae-disc-p_closed = Tu p(z) ma postać zamkniętą.
wae-disc-p_quadrature = Tu p(z) to kwadratura wzdłuż krzywej zwoju.
wae-disc-learned = D(z), wyuczony
wae-disc-optimal = D*(z) = p / (p + q)
wae-disc-supervised = Przy rozkładzie a priori z etykietami dyskryminator czyta etykietę: jego obraz jest inny dla każdej klasy, a optymalny wymaga q dla każdej klasy — obraz pokazuje etykietę 0.
param-prior = Rozkład a priori p(z)
param-shaping = Regularyzator (jeden tor)
param-mmd_lambda = λ przy MMD (WAE)
param-kernel = Jądro MMD
param-scale = Skala jądra
param-adv_lambda = λ fazy generatora (AAE)
param-disc_width = Szerokość dyskryminatora
param-disc_lr = Stała uczenia dyskryminatora
param-disc_steps = Kroki dyskryminatora na batch
param-supervised = Rozkład a priori z etykietami (klasa k na składowej k pierścienia)
choice-prior-normal = N(0, I)
choice-prior-ring = pierścień dziesięciu gaussów
choice-prior-square = jednostajny kwadrat
choice-prior-swiss_roll = zwój (swiss roll)
choice-shaping-kl = KL (VAE)
choice-shaping-mmd = MMD (WAE)
choice-shaping-adversarial = dyskryminator (AAE)
choice-shaping-none = brak (zwykły AE)
choice-kernel-imq = odwrotnie wielokwadratowe
choice-kernel-rbf = gaussowskie (RBF)
metric-wae-rec_kl = VAE (KL): rekonstrukcja na cyfrę testową, naty
metric-wae-rec_mmd = WAE (MMD): rekonstrukcja na cyfrę testową, naty
metric-wae-rec_adversarial = AAE (dyskryminator): rekonstrukcja na cyfrę testową, naty
metric-wae-rec_none = zwykły AE: rekonstrukcja na cyfrę testową, naty
metric-wae-emd_kl = VAE (KL): dokładne W₁ kodów testowych do p(z)
metric-wae-emd_mmd = WAE (MMD): dokładne W₁ kodów testowych do p(z)
metric-wae-emd_adversarial = AAE (dyskryminator): dokładne W₁ kodów testowych do p(z)
metric-wae-emd_none = zwykły AE: dokładne W₁ kodów testowych do p(z)
metric-wae-mmd_kl = VAE (KL): MMD² kodów testowych do p(z) (RBF, σ = 1)
metric-wae-mmd_mmd = WAE (MMD): MMD² kodów testowych do p(z) (RBF, σ = 1)
metric-wae-mmd_adversarial = AAE (dyskryminator): MMD² kodów testowych do p(z) (RBF, σ = 1)
metric-wae-mmd_none = zwykły AE: MMD² kodów testowych do p(z) (RBF, σ = 1)
metric-wae-disc_loss = entropia krzyżowa dyskryminatora AAE (log 2 ≈ 0,69: nie odróżnia)
metric-wae-epoch = epoki
