# The rbm-mnist lesson.

lesson-rbm-mnist-title = RBM na MNIST
lesson-rbm-mnist-blurb = Binarna RBM (784 piksele, 16–500 neuronów ukrytych) uczy się cyfr metodą CD-k lub PCD: jej filtry, łańcuchy Gibbsa i rekonstrukcje na żywo — na GPU przez shadery obliczeniowe WebGPU albo na CPU.
theory-rbm-mnist-source = Według wykładu 004, „Restricted Boltzmann Machine” i „Contrastive divergence CD” (energia, rozkłady warunkowe, reguła CD z k = 1, jak w praktyce), oraz wykładu 000 (AGH): gradient wiarygodności i energia swobodna; F̄ to średnia energia swobodna ocenianych cyfr treningowych i testowych w ostatnim wierszu historii — testowa F̄ rosnąca ponad treningową oznacza, że RBM zaczyna się przeuczać.
rbmm-explain = Filtry RBM na MNIST z wykładu 004: 784 jednostki widoczne (piksel włączony, gdy jest co najmniej w połowie jasny) i H ukrytych, E(v, h) = −vᵀWh − bᵀv − cᵀh, uczone dywergencją kontrastywną jak na wykładzie 000: W ← W + η(⟨v hᵀ⟩_dane − ⟨v hᵀ⟩_model), człon modelu z k kroków Gibbsa. Każdy filtr poniżej to wagi jednej jednostki ukrytej: niebieskie dodatnie, czerwone ujemne.
rbmm-chart-filters = Filtry: wagi W·ⱼ każdej jednostki ukrytej jako obraz 28×28
rbmm-filters-shown = pokazane jednostki ukryte:
rbmm-filters-scale = skala kolorów
rbmm-chart-chains = Łańcuchy Gibbsa fazy negatywnej
rbmm-chains-cd = CD-k: każdy łańcuch startuje od cyfry treningowej i wykonuje k kroków Gibbsa — co model robi z cyfrą.
rbmm-chains-pcd = PCD: łańcuchy trwają między aktualizacjami — własne fantazje modelu.
rbmm-chart-recon = Cyfry testowe (u góry) i ich rekonstrukcje p(v | p(h | v)) (u dołu)
rbmm-chart-recon_error = Błąd rekonstrukcji: suma kwadratów na cyfrę
rbmm-chart-free_energy = Średnia energia swobodna F(v) = −bᵀv − Σⱼ softplus(cⱼ + vᵀW·ⱼ)
rbmm-free_energy-hint = Tyle samo cyfr treningowych i testowych: rosnąca luka (test powyżej treningu) to przeuczenie.
rbmm-series-train = cyfry treningowe
rbmm-series-test = cyfry testowe
rbmm-readout-test_recon = Błąd rekonstrukcji (test)
rbmm-readout-train_recon = ... (trening)
rbmm-readout-free_test = Energia swobodna (test)
rbmm-readout-free_train = ... (trening)

## The metrics of every history row, as the "All metrics" panel names them.
metric-rbm-mnist-train_recon = błąd rekonstrukcji, cyfry treningowe
metric-rbm-mnist-test_recon = błąd rekonstrukcji, cyfry testowe
metric-rbm-mnist-free_energy_train = średnia energia swobodna F(v), cyfry treningowe
metric-rbm-mnist-free_energy_test = średnia energia swobodna F(v), cyfry testowe
metric-rbm-mnist-epoch = epoki
