# The transport lesson.

lesson-transport-title = Odległość Wassersteina (EMD) i transport optymalny
lesson-transport-blurb = Przesuwaj masę i punkty; dokładna EMD, Sinkhorn, MMD i W2 między rozkładami normalnymi w postaci zamkniętej.
ot-selected = zaznaczony
ot-cloud_keys = Klawiatura: zaznacz wykres, Enter dodaje punkt wybranej strony w środku, [ i ] wybierają punkt, strzałki go przesuwają (Shift: szybciej), Delete go usuwa.
theory-transport-source = Według wykładu 000 (AGH), „Odległość Wassersteina”: definicja, skalowania Sinkhorna i postać zamknięta dla rozkładów normalnych (poprawiona: to W2).
param-p = Wykładnik kosztu p w |x − y|^p
param-eps = ε Sinkhorna
param-sigma = Szerokość jądra MMD σ
param-samples = Próbki z każdego rozkładu
param-shift = Przesunięcie θ
ot-explain = W_p(μ, ν) = (inf po sprzężeniach γ z ∫ c(x, y)^p dγ)^(1/p): najtańszy sposób przeniesienia masy μ na ν. Każda liczba tutaj jest dokładna — solver przepływu o minimalnym koszcie dla planów, postaci zamknięte dla 1-D i rozkładów normalnych — a przycisk Start wykonuje iteracje Sinkhorna jedna po drugiej.
ot-part1 = 1. Przykład z wykładu: X = {"{"}1, 2, 3, 4{"}"}
ot-part2 = 2. Chmury punktów w 2-D
ot-part2_hint = Kliknij, aby dodać punkt do wybranej strony, przeciągnij punkt, aby go przesunąć, kliknij punkt, aby ustawić jego wagę. Linie pokazują dokładny plan optymalny.
ot-part3 = 3. Sinkhorn: transport entropowy
ot-part3_hint = Każdy krok to jedna iteracja Sinkhorna w dziedzinie logarytmów na chmurach powyżej. Małe ε: plan wyostrza się do dokładnego, a jego koszt do dokładnego kosztu — ale potrzeba więcej iteracji (patrz błąd brzegowy).
ot-part4 = 4. Maksymalna rozbieżność średnich (MMD)
ot-part4_hint = MMD² z jądrem exp(−|x − y|² / 2σ²) między dwiema chmurami (ich punkty, z równymi wagami). Estymator nieobciążony pomija przekątną i może być ujemny.
ot-part5 = 5. Rozkłady normalne z wykładu
ot-part6 = 6. Dlaczego Wasserstein: rozłączne nośniki rozsuwające się
ot-part6_hint = P₀ kładzie masę na odcinku {"{"}0{"}"} × [0, 1], P_θ na {"{"}θ{"}"} × [0, 1]. Dla każdego θ ≠ 0 nośniki są rozłączne: KL jest nieskończona, a JS utyka na ln 2, więc żadna nie mówi, jak daleko są od siebie; W1 = |θ| mówi, gładko — to argument stojący za WGAN i WAE.
ot-slide_note = Slajd pisze W1 = ‖m₁ − m₂‖ + tr(Σ₁ + Σ₂ − 2(Σ₁^½ Σ₂ Σ₁^½)^½)^½ z Σ₁^½ z rozkładu Choleskiego. Postać zamknięta dotyczy W2: W2² = ‖m₁ − m₂‖² + tr(Σ₁ + Σ₂ − 2(Σ₁^½ Σ₂ Σ₁^½)^½) z symetrycznym dodatnim pierwiastkiem (czynnik Choleskiego L daje L Σ₂ L, a nie tę samą macierz). Dla pary z wykładu W2² = 22 − 2√3, W2 ≈ 4,305; wyrażenie ze slajdu daje wartość pokazaną wyżej.
ot-axis-mass = masa
ot-plan_matrix = Plan optymalny γ jako macierz: wiersz i przenosi γᵢⱼ masy μ z i do j
ot-part5_hint = Przeciągnij dowolny środek; zmieniaj kowariancje suwakami Σ. Estymator z próbek używa dokładnego planu między dwiema próbkami wybranego rozmiaru: zacieśnia się, gdy próbki rosną.
ot-axis-plan_cols = punkty docelowe ν
ot-axis-plan_rows = punkty źródłowe μ
ot-axis-iteration = iteracja
ot-series-moves = optymalne przesunięcia
ot-series-samples = próbki z
ot-series-kl = KL = ∞ (poza wykresem) dla θ ≠ 0
ot-series-now = bieżące θ
ot-series-sinkhorn_cost = ⟨γ_ε, C⟩ Sinkhorn
ot-series-exact_cost = dokładnie
ot-series-marginal_error = błąd brzegowy Σ|γ1 − a|
ot-sinkhorn_plan = plan Sinkhorna
ot-exact_plan = plan dokładny
ot-add_bin = Dodaj punkt do X
ot-remove_bin = Usuń ostatni punkt
ot-reset_lecture = Wróć do przykładu z wykładu
ot-reset_clouds = Zresetuj chmury
ot-weight = waga
ot-delete = Usuń
ot-readout-exact = W_p, solver dokładny
ot-readout-formula = W_p, postać zamknięta 1-D (kwantyle)
ot-readout-breakdown = koszt: masa · |x − y|^p
ot-readout-totals = masa całkowita μ / ν (znormalizowana)
ot-readout-emd = W_p między chmurami (dokładnie)
ot-readout-points = punkty μ / ν
ot-readout-sinkhorn = koszt Sinkhorna ⟨γ_ε, C⟩
ot-readout-exact_cost = koszt dokładny ⟨γ*, C⟩
ot-readout-iterations = iteracje
ot-readout-mmd_biased = MMD² obciążony
ot-readout-mmd_unbiased = MMD² nieobciążony
ot-readout-w2_closed = W2, postać zamknięta
ot-readout-w2_sample = W2 z próbek (plan dokładny)
ot-readout-slide = wyrażenie ze slajdu

## The metrics of every history row, as the "All metrics" panel names them.
metric-transport-sinkhorn_cost = koszt Sinkhorna ⟨γ_ε, C⟩
metric-transport-exact_cost = dokładny koszt ⟨γ*, C⟩
metric-transport-marginal_error = błąd brzegowy Σ|γ1 − a|
