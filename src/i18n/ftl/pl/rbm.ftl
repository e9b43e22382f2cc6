# The rbm lesson.

lesson-rbm-title = Ograniczona Maszyna Boltzmanna
lesson-rbm-blurb = Sześciu kinomanów, CD-k, PCD i równoległe odpuszczanie (parallel tempering), z dokładną wiarygodnością obok każdej metody.
theory-rbm-source = Według wykładu 000 (AGH), „Ograniczona Maszyna Boltzmanna”: energia, energia swobodna i reguła kontrastywnej dywergencji; wartości dla pierwszego użytkownika danych.
param-chains = Łańcuchy / próbki na aktualizację
param-temps = Temperatury PT R
param-t_max = Najwyższa temperatura PT
param-long_run = Długość łańcucha Gibbsa
param-momentum = Moment / β₁
param-weight_decay = Zanik wag
param-compare = Trenuj wszystkie metody obok siebie
rbm-explain = Energia E(v, h) = −vᵀWh − bᵀv − cᵀh; energia swobodna F(v) = −bᵀv − Σⱼ softplus(cⱼ + (vᵀW)ⱼ); p(v) = e^(−F(v)) / Z. Przy sześciu filmach Z to suma po 2⁶ = 64 stanach, więc logarytm wiarygodności każdej metody liczymy dokładnie. Gradient to ⟨v hᵀ⟩_dane − ⟨v hᵀ⟩_model (wykład 000 podaje go z przeciwnym znakiem, co jest gradientem −ln L; jego reguła CD jest poprawna). Minipakiet 0 oznacza wszystkich użytkowników.
rbm-chart-ll = Dokładny średni logarytm wiarygodności danych, dla każdej metody uczenia
rbm-chart-dist = Rozkład modelu na wszystkich użytkownikach (stanach), dane i długi łańcuch Gibbsa
rbm-weights-title = Wagi, jak w tabeli z wykładu
rbm-weights-bias = Jednostka biasu
rbm-weights-hidden = Ukryta
rbm-weights-hidden_bias = bias ukryty c
rbm-readout-ll = ln L / N (dokładnie)
rbm-readout-best = najlepszy możliwy
rbm-readout-kl = KL(dane ‖ model)
rbm-readout-recon = błąd rekonstrukcji
rbm-readout-swaps = akceptacja zamian PT
rbm-exact_off = Więcej niż 16 filmów: dokładne wiarygodności (2^d stanów) są wyłączone; krzywe wartości dokładnych nie są rysowane.
rbm-lane-ll_exact = dokładny gradient
rbm-lane-ll_pt = równoległe odpuszczanie
rbm-lane-ll_gibbs = długie łańcuchy Gibbsa
rbm-series-best = najlepiej: −H(dane)
rbm-series-p_model = p(v) modelu, dokładnie
rbm-series-p_data = częstość w danych
rbm-series-p_gibbs = częstość w łańcuchu Gibbsa, przebiegi
rbm-axis-step = krok
rbm-axis-state = stan widoczny (bit i = film i)
rbm-axis-probability = prawdopodobieństwo
rbm-data-title = Dane treningowe (do edycji)
rbm-data-hint = Przełącz ocenę, zmień nazwę lub usuń użytkownika albo dodaj nowego; trening zaczyna się od nowa na nowych danych, zapisanych w adresie.
rbm-data-user = Użytkownik
rbm-data-add = Dodaj użytkownika
rbm-data-reset = Przywróć dane z wykładu
rbm-demo-gibbs = 1. Uruchom łańcuch Gibbsa na długo
rbm-demo-gibbs_hint = Na przemian losuj h z p(h|v) i v z p(v|h): po chwili warstwa widoczna pokazuje użytkowników podobnych do danych treningowych.
rbm-demo-gibbs_start = Uruchom łańcuch
rbm-demo-half_step = Półkrok
rbm-demo-auto = Biegnij
rbm-demo-stop = Stop
rbm-demo-half_steps = półkroki:
rbm-demo-updated_h = właśnie wylosowano h
rbm-demo-updated_v = właśnie wylosowano v
rbm-demo-looks_like = v to dokładnie oceny użytkownika
rbm-demo-press_start = Naciśnij „Uruchom łańcuch”.
rbm-demo-clamp = 2. Ustaw jedną jednostkę ukrytą na 1
rbm-demo-clamp_hint = Przytrzymaj jedną jednostkę ukrytą na 1 i generuj: które filmy włącza? Dokładne p(vᵢ = 1 | hⱼ = 1) (pozostałe jednostki wysumowane) obok łańcucha Gibbsa z przytrzymaną jednostką.
rbm-demo-clamped = Przytrzymana jednostka ukryta
rbm-demo-fill = 3. Uzupełnij brakujące oceny
rbm-demo-fill_hint = Nowy użytkownik z częścią ocen nieznaną (?): dokładne p(vᵢ = 1 | znane oceny) przez sumowanie po nieznanych, obok łańcucha Gibbsa z przytrzymanymi znanymi ocenami.
rbm-demo-fill_go = Uzupełnij
rbm-demo-exact = dokładnie
rbm-demo-sampled = z próbkowania

## The metrics of every history row, as the "All metrics" panel names them.
metric-rbm-ll = średnia log-wiarygodność danych (wybrana metoda), naty
metric-rbm-ll_exact = log-wiarygodność, dokładny gradient
metric-rbm-ll_cd1 = log-wiarygodność, CD-1
metric-rbm-ll_cdk = log-wiarygodność, CD-k
metric-rbm-ll_pcd = log-wiarygodność, trwała CD (PCD)
metric-rbm-ll_pt = log-wiarygodność, równoległe odpuszczanie
metric-rbm-ll_gibbs = log-wiarygodność, długie łańcuchy Gibbsa
metric-rbm-recon_error = błąd rekonstrukcji
metric-rbm-kl = KL(dane ‖ model), naty
metric-rbm-swap_rate = odsetek przyjętych zamian (równoległe odpuszczanie)
