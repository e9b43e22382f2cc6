# Messages composed by the model code (genlab_core::msg): $a0, $a1, … are its arguments in order.

msg-gan-d_nan = dyskryminator przestał być skończony (NaN lub ∞): czy współczynnik uczenia nie jest za duży?
msg-gan-g_nan = generator przestał być skończony (NaN lub ∞): czy współczynnik uczenia nie jest za duży?
msg-gan-d_exploded = wagi dyskryminatora eksplodowały (powyżej 1e8): czy współczynnik uczenia nie jest za duży?
msg-gan-g_exploded = wagi generatora eksplodowały (powyżej 1e8): czy współczynnik uczenia nie jest za duży?
msg-vae-nan = koszt stał się NaN w kroku { $a0 }: współczynnik uczenia { $a1 } jest za duży dla tego przebiegu
msg-vae-infinite = koszt stał się nieskończony w kroku { $a0 }: współczynnik uczenia { $a1 } jest za duży dla tego przebiegu
msg-rbm-diverged = wagi przestały być skończone lub eksplodowały: czy współczynnik uczenia nie jest za duży?
msg-sinkhorn-diverged = błąd brzegowy algorytmu Sinkhorna nie jest skończony
msg-session-diverged = przebieg się rozbiegł (NaN lub ∞): zresetuj go, najlepiej z mniejszym współczynnikiem uczenia
msg-session-no_lesson = żadna lekcja jeszcze nie działa: najpierw Init
msg-session-malformed = niepoprawne polecenie: { $a0 }
msg-session-pause_first = zatrzymaj trening przed krokiem
msg-session-step_behind = ten krok już minął: najpierw Reset
msg-lesson-not_built = lekcja { $a0 } nie jest jeszcze gotowa
msg-ot-no_points = nie ma żadnych punktów
msg-ot-bad_mass = masa jest ujemna albo nie jest liczbą
msg-ot-zero_mass = całkowita masa wynosi zero
msg-ot-bad_cost = macierz kosztów nie jest skończona
msg-ot-unmatched = brak ścieżki powiększającej: nie udało się dopasować mas
msg-ot-bad_p = wykładnik p musi być liczbą ≥ 1
msg-ot-bad_point = punkt ma współrzędną, która nie jest liczbą
msg-ot-bad_eps = ε musi być liczbą dodatnią (ε = 0 to problem dokładny: użyj dokładnego solvera)
msg-ot-bad_sigma = szerokość jądra σ musi być liczbą dodatnią
msg-ot-mmd_two_points = estymator nieobciążony potrzebuje co najmniej dwóch punktów po każdej stronie
msg-ot-sinkhorn_blocked = algorytm Sinkhorna nie może działać na tych chmurach: { $a0 }
msg-ot-masses_zeroed = ujemne lub nieliczbowe masy ustawiono na 0
msg-ot-bad_points = pominięto { $a0 } { $a0 ->
        [one] nieczytelny punkt
        [few] nieczytelne punkty
       *[many] nieczytelnych punktów
    }
msg-ot-bins_cut = użyto tylko pierwszych { $a0 } przedziałów: pominięto { $a1 } { $a1 ->
        [one] przedział
        [few] przedziały
       *[many] przedziałów
    }
msg-ot-masses_capped = masy większe niż { $a0 } ustawiono na { $a0 }
msg-ot-points_clamped = współrzędne spoza ±{ $a0 } przesunięto na brzeg
msg-rbm-exact_too_big = dokładny gradient sumuje po 2^d stanach, najwyżej dla { $a0 } filmów: te dane mają { $a1 }, więc przebieg używa CD-k
msg-ot-bad_covariance = ustawiono { $a0 }: kowariancja wymaga |s_xy| < √(s_xx·s_yy)
msg-rbm-bad_rows = wiersze { $a0 } nie mają po jednym 0/1 na film: ich nieczytelne oceny ustawiono na 0
msg-rbm-no_users = W danych nie ma użytkowników: dodaj co najmniej jednego (lub przywróć dane z wykładu), aby trenować.
msg-rbm-no_movies = W danych nie ma filmów.
msg-rbm-fill_length = nowy użytkownik potrzebuje { $a0 } ocen (1, 0 lub ?), podano { $a1 }
msg-rbm-no_unit = nie ma jednostki ukrytej { $a0 }
msg-rbm-too_many_unknown = za dużo nieznanych ocen, by zsumować dokładnie
msg-vae-not_loaded = cyfry nie są wczytane
msg-vae-posterior_failed = nie udało się policzyć dokładnego rozkładu a posteriori dla tej cyfry: dekoder nie daje jej skończonej wiarygodności w żadnym punkcie siatki
msg-drawing-empty = pole rysowania jest puste: najpierw narysuj cyfrę
msg-drawing-full = pole rysowania jest prawie całe zamalowane: wyczyść je i narysuj cyfrę
msg-drawing-size = rysunek z { $a0 } wartości nie wypełnia pola { $a1 } × { $a2 }
msg-gpu-lost = utracono urządzenie GPU; trening trwa dalej na CPU od kroku { $a0 }
msg-gpu-adam_only = na GPU trening działa tylko z Adamem: optymalizator { $a0 } liczy się na CPU (wybierz adam, by trenować na GPU)
msg-gpu-no_webgpu = ta przeglądarka nie udostępnia WebGPU
msg-gpu-no_adapter = brak adaptera GPU: { $a0 }
msg-gpu-browser_no_adapter = ta przeglądarka ma WebGPU, ale nie udostępnia adaptera GPU (WebGPU może być wyłączone albo GPU zablokowane)
msg-gpu-no_device = adapter GPU nie udostępnił urządzenia: { $a0 }
msg-rbm_mnist-nan = waga stała się NaN w kroku { $a0 }: współczynnik uczenia { $a1 } jest za duży dla tego przebiegu
msg-gpu-lost_earlier = urządzenie GPU zostało utracone wcześniej na tej stronie; odśwież stronę, aby spróbować ponownie
msg-gpu-batch_limited = to urządzenie mieści najwyżej { $a0 } obrazów w partii: trening z { $a0 } zamiast { $a1 }
msg-vae-load_failed = Nie udało się wczytać cyfr: { $a0 }
msg-vae-no_training = nie ma cyfr treningowych
msg-vae-bad_z = ten punkt przestrzeni utajonej nie jest liczbą
msg-digits-bad_header = to nie jest plik cyfr genlab (zły nagłówek)
msg-digits-bad_size = cyfry mają rozmiar { $a0 }×{ $a1 }, oczekiwano 28×28
msg-digits-bad_length = plik cyfr ma { $a0 } bajtów, oczekiwano { $a1 } dla { $a2 } cyfr
msg-digits-not_gzip = plik cyfr jest uszkodzony (niepoprawny strumień gzip)
msg-digits-bad_label = cyfra ma etykietę { $a0 }, spoza 0–9
msg-digits-checksum = plik cyfr jest uszkodzony (niezgodna suma kontrolna)
msg-digits-fetch = { $a0 }
msg-fetch-failed = pobieranie nie powiodło się ({ $a0 })
msg-fetch-no_response = pobieranie nie dało odpowiedzi
msg-fetch-status = serwer odpowiedział { $a0 } dla { $a1 }
msg-fetch-empty = pobrany plik jest pusty
msg-fetch-unreadable = nie da się odczytać pobieranego pliku
msg-fetch-broken = pobieranie zostało przerwane ({ $a0 })
msg-run-too_big = plik ma { $a0 } MB; przebieg genlab ma najwyżej { $a1 } MB
msg-run-not_json = to nie jest plik przebiegu genlab (to nie JSON: { $a0 })
msg-run-not_ours = to nie jest plik przebiegu genlab (brak "format": "genlab-run")
msg-run-newer = plik zapisała nowsza wersja genlab (format { $a0 }; ta czyta do wersji { $a1 })
msg-run-no_version = plik nie podaje wersji formatu
msg-run-damaged = plik przebiegu jest uszkodzony: { $a0 }
msg-run-seed_edited = ziarno w pliku nie zgadza się z jego ustawieniami: plik był edytowany
msg-run-row_length = wiersz historii w kroku { $a0 } ma { $a1 } wartości dla { $a2 } metryk
msg-run-order = historia w pliku jest nie po kolei w kroku { $a0 }
msg-run-state_damaged = wytrenowany stan w pliku jest uszkodzony: { $a0 }
msg-run-length = w pliku { $a0 } ma { $a1 } liczb, a te ustawienia wymagają { $a2 }
msg-run-not_finite = w pliku { $a0 } zawiera NaN lub ∞ (liczba nr { $a1 })
msg-run-optimizer = w pliku optymalizator ({ $a0 }) to { $a1 }, a te ustawienia używają { $a2 }
msg-run-other_lesson = ten plik zawiera przebieg lekcji „{ $a0 }”; otwórz tę lekcję, aby go zaimportować
msg-run-other_metrics = metryki w pliku nie pasują do tej lekcji: zapisała go inna wersja genlab
msg-run-step = plik podaje krok { $a0 }, a jego stan jest w kroku { $a1 }
msg-run-lanes = tory w pliku nie są tymi, które trenują te ustawienia ({ $a0 } zamiast { $a1 })
msg-run-chains = trwałe łańcuchy w pliku nie pasują do tych ustawień
msg-run-order_rbm = kolejność mini-batchy w pliku nie pasuje do tych danych
msg-run-order_vae = kolejność mini-batchy w pliku nie pasuje do tych cyfr
msg-run-scores_ahead = wyniki testowe w pliku pochodzą z późniejszego kroku niż sam przebieg
msg-app-speed_invalid = „{ $a0 }” nie jest liczbą kroków na sekundę: lekcja działa z domyślną prędkością
msg-app-lang_unknown = nie ma tu języka „{ $a0 }”: genlab mówi po angielsku (en), polsku (pl) i rosyjsku (ru)
msg-app-projector_invalid = „{ $a0 }” to ani włączony (1), ani wyłączony (0): tryb rzutnika pozostaje wyłączony
msg-app-embed_unknown = ta lekcja nie ma ustawienia { $a0 }: lekcja jest pokazana w całości
msg-app-embed_some_unknown = ta lekcja nie ma ustawienia { $a0 }: pokazano tylko pozostałe
msg-rbm-users_empty = lista użytkowników jest pusta: tabela nie ma użytkowników do nauki
msg-rbm-names_cut = nazwy dłuższe niż { $a0 } znaków zostały skrócone: { $a1 }
msg-run-sinkhorn = algorytm Sinkhorna nie może działać na chmurach z pliku: { $a0 }
msg-cvae-dim_past_latent = ustawiono { $a0 }: z ma { $a1 } wymiarów, numerowanych od 0 do { $a0 }
msg-cvae-same_dims = ustawiono { $a0 }: dwa pokazywane wymiary muszą się różnić
msg-cvae-posterior_2d = dokładny rozkład a posteriori sumuje się na siatce w dwuwymiarowej przestrzeni utajonej; w tym przebiegu z ma { $a0 } wymiarów (ustaw rozmiar przestrzeni utajonej na 2)
msg-ot-bad_imq_scale = skala C jądra odwrotnie wielokwadratowego musi być liczbą dodatnią
msg-boltzmann-too_many_units = { $a0 } jednostek to za dużo, by dokładnie przejść po wszystkich stanach; najwyżej { $a1 }
msg-boltzmann-sigma_held = σ zeszło poniżej { $a0 } i zostało tam zatrzymane przy { $a1 } aktualizacjach: przy wariancji bliskiej zeru punkt leżący na średniej składowej ma nieograniczoną wiarygodność
msg-boltzmann-diverged = wagi maszyny przestały być skończone lub przekroczyły ±200 (za duże, by przeliczyć stany): zmniejsz współczynnik uczenia i zacznij od nowa
msg-wae-supervised_ring = rozkład a priori z etykietami wiąże każdą klasę z jedną z dziesięciu składowych pierścienia: wymaga pierścienia, więc jest wyłączony
msg-wae-diverged = tor jednego z regularyzatorów dał wartości nieskończone (dyskryminator lub waga λ za silne przy tej stałej uczenia): zmniejsz stałą uczenia lub λ i zacznij od nowa
