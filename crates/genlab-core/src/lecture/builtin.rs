//! The built-in lectures: one per deck in `shared/lectures/`, in the deck's language, each scene
//! naming the slide (its heading in the deck) it belongs to. Steps are chosen so that a scene is
//! prepared in seconds on the toy lessons and in about 10–25 s on the digits in the worker
//! (VAE ≈ 3,000 images/s, so 600 steps of 100; the CVAE trains two models, so 400), and scenes
//! that share settings continue one run rather than train it again.

use super::{Lecture, Scene};

/// (id, lecture) for every deck; the id is the deck's number, used in addresses (`lecture=000`).
pub fn all() -> Vec<(&'static str, Lecture)> {
    vec![
        ("000", deck_000()),
        ("001", deck_001()),
        ("002", deck_002()),
        ("003", deck_003()),
        ("004", deck_004()),
    ]
}

/// The built-in lecture with this id.
pub fn by_id(id: &str) -> Option<Lecture> {
    all().into_iter().find(|(i, _)| *i == id).map(|(_, l)| l)
}

/// One scene: lesson, settings, step, the element to show (`data-testid`), slide, title, note.
fn scene(
    lesson: &str,
    settings: &str,
    step: u64,
    focus: Option<&str>,
    slide: &str,
    title: &str,
    note: &str,
) -> Scene {
    Scene {
        title: title.into(),
        slide: slide.into(),
        note: note.into(),
        lesson: lesson.into(),
        settings: settings.into(),
        speed: 0.0,
        step,
        focus: focus.map(Into::into),
    }
}

fn lecture(title: &str, lang: &str, deck: &str, scenes: Vec<Scene>) -> Lecture {
    Lecture {
        title: title.into(),
        lang: lang.into(),
        deck: Some(deck.into()),
        scenes,
    }
}

/// 000 (Polish, AGH): the RBM and its training methods, autoencoders, VAE, CVAE, Wasserstein
/// distance, WAE.
fn deck_000() -> Lecture {
    lecture(
        "Modele generatywne, wykład 2: RBM, autoenkodery, VAE, WAE",
        "pl",
        "000",
        vec![
            scene("rbm", "seed=1&hidden=2&method=cd&compare=0", 0, Some("data-table"),
                "Modelowanie preferencji użytkowników",
                "Sześciu kinomanów",
                "Dane z wykładu: sześciu widzów, sześć filmów (Harry Potter, Avatar, LOTR 3, Gladiator, Titanic, Glitter). RBM z dwiema jednostkami ukrytymi; jeszcze nic się nie nauczył."),
            scene("rbm", "seed=1&hidden=2&method=cd&compare=0", 5000, Some("weight-table"),
                "RESULT:",
                "Wyuczona tabela wag",
                "Po 5000 krokach CD-1: jedna jednostka ukryta to „fani SF/Fantasy”, druga to „fani wielkich zdobywców Oscarów”, jak w tabeli na slajdzie. Kolejność i znaki jednostek mogą być inne — to samo rozwiązanie."),
            scene("rbm", "seed=1&hidden=2&method=cd&compare=0", 5000, Some("demo-clamp"),
                "Jak to działa?",
                "Ustalamy jedną jednostkę ukrytą",
                "Włączamy jedną jednostkę ukrytą i próbkujemy widoczne: model „wyobraża sobie” widza, który lubi filmy tej grupy. Dokładne p(v | h) obok próbek."),
            scene("rbm", "seed=1&hidden=2&method=cd&compare=0", 5000, Some("demo-fill"),
                "Jak to działa?",
                "Uzupełnianie brakujących ocen",
                "Nowy widz ocenił tylko część filmów; RBM uzupełnia resztę. Dokładny rozkład warunkowy przez wyliczenie wszystkich stanów."),
            scene("rbm", "seed=1&hidden=2&compare=1", 3000, Some("swap-rates"),
                "Porównanie metod uczenia",
                "CD, PCD i parallel tempering obok siebie",
                "Te same wagi początkowe i te same dane; krzywe log-wiarygodności są dokładne (wyliczenie 2^6 stanów). Tabela z wykładu: zalety i wady każdej metody."),
            scene("boltzmann", "seed=1", 0, Some("families"),
                "Poza klasyczny RBM...",
                "Rodzina maszyn Boltzmanna",
                "Nieograniczona maszyna Boltzmanna, RBM, DBM — ta sama energia, inne połączenia. Gradient dokładny przez wyliczenie stanów."),
            scene("boltzmann", "seed=1", 0, Some("gb"),
                "Gaussian-Bernoulli RBM",
                "RBM dla danych ciągłych",
                "Jednostki widoczne gaussowskie, ukryte binarne: p(v | h) = N(b + Wh, σ²). Przeciągnij punkty danych."),
            scene("dbn", "seed=1", 600, Some("dbn-stack"),
                "Deep belief network",
                "Sieć głęboka z RBM uczonych warstwa po warstwie",
                "Warstwa 1 uczy się na cyfrach, zamraża się, warstwa 2 uczy się na jej jednostkach ukrytych."),
            scene("autoencoders", "seed=1", 600, Some("pca-test"),
                "Autoekodery",
                "Autoenkoder i PCA",
                "Liniowy autoenkoder z kodem rozmiaru k uczy się tej samej podprzestrzeni co PCA — dokładna odpowiedź obok wyuczonej."),
            scene("vae", "seed=1", 600, Some("explore-z"),
                "Przestrzeń latentna (ang. Latent Space)",
                "Przestrzeń latentna VAE",
                "Dwuwymiarowa przestrzeń latentna na cyfrach MNIST: kody danych testowych i siatka zdekodowanych punktów. Przeciągnij punkt."),
            scene("vae", "seed=1", 600, Some("alpha"),
                "Generowanie danych",
                "Interpolacja z = (1 − α)z₁ + αz₂",
                "Przesuwaj α od jednej cyfry do drugiej. Uwaga na slajd: strata to L_R + KL (nie minus KL)."),
            scene("cvae", "seed=1", 400, Some("grid-caption"),
                "Conditional Variational Autoencoder, CVAE",
                "Generowanie danych o określonych cechach",
                "Warunkujemy na etykiecie cyfry: ten sam styl z, inna cyfra. Obok dokładny rozkład a posteriori na siatce."),
            scene("transport", "seed=1&p=1", 0, Some("problem-1d"),
                "Trywialny przykład",
                "Dystans transportu masy: W₁ = 1,0",
                "X = {1, 2, 3, 4}: przesuwamy 0,5 z 1 do 2 i 0,5 z 3 do 4 — całkowity koszt 1,0. Dokładny plan transportu obok."),
            scene("transport", "seed=1&p=2", 0, Some("w2-closed"),
                "Odległość Wassersteina dla rozkładu normalnego",
                "Dwa rozkłady normalne: wzór zamknięty",
                "Slajd nazywa to W₁ i bierze pierwiastek Cholesky'ego; wzór zamknięty jest dla W₂ z symetrycznym pierwiastkiem — pokazujemy poprawny i dlaczego."),
            scene("transport", "seed=1", 0, Some("sinkhorn-cost"),
                "Sinkhorn Distance:",
                "Sinkhorn i MMD",
                "Regularyzacja entropijna ε: im mniejsze ε, tym bliżej dokładnego kosztu. MMD z jądrem gaussowskim obok."),
            scene("wae", "seed=1&compare=1", 300, Some("lanes"),
                "Zalety WAE nad VAE",
                "WAE: KL, MMD i dyskryminator obok siebie",
                "Cztery regularyzatory z tych samych wag: odległość q(z) od p(z) mierzona dokładnym EMD. Trzy zalety ze slajdu — sprawdzamy je."),
        ],
    )
}

/// 001 (Russian, MIPT): hierarchical models — Boltzmann machines, RBM, DBN, DBM, contrastive
/// divergence, Langevin dynamics and JEM.
fn deck_001() -> Lecture {
    lecture(
        "Иерархические модели: машины Больцмана, DBN, Ланжевен и JEM",
        "ru",
        "001",
        vec![
            scene("boltzmann", "seed=1", 0, Some("families"),
                "Машина Больцмана",
                "Машина Больцмана: энергия и вероятность",
                "p(x) = exp(−E(x))/Z; все связи между видимыми и скрытыми. Градиент точно — перебором всех состояний."),
            scene("rbm", "seed=1&hidden=2&method=cd&compare=0", 0, Some("theory"),
                "Ограниченная машина Больцмана",
                "Ограниченная машина Больцмана",
                "Нет связей внутри слоя: p(h | x) факторизуется. На слайде энергия записана как −hᵀWh; правильно −xᵀWh."),
            scene("rbm", "seed=1&hidden=2&method=cd&compare=0", 5000, Some("weight-table"),
                "Свойства RBM",
                "RBM на шести зрителях",
                "После 5000 шагов CD-1 скрытые нейроны — «фанаты фантастики» и «фанаты оскароносных фильмов»."),
            scene("rbm", "seed=1&hidden=2&compare=1", 3000, Some("swap-rates"),
                "Contrastive Divergence: идея",
                "CD-k, PCD и параллельный отжиг",
                "Одинаковые начальные веса; точное логарифмическое правдоподобие перебором 2⁶ состояний."),
            scene("dbn", "seed=1", 600, Some("dbn-stack"),
                "Глубокие сети доверия",
                "Жадное послойное обучение",
                "Слой 1 обучается на цифрах и замораживается; слой 2 учится на его скрытых вероятностях. Вариационная нижняя граница по слоям."),
            scene("boltzmann", "seed=1", 0, Some("dbm"),
                "Глубокие машины Больцмана",
                "Глубокая машина Больцмана",
                "Два скрытых слоя, неориентированные связи; точное правдоподобие для маленькой модели."),
            scene("langevin", "seed=1", 0, Some("well-masses"),
                "Стохастическая динамика Ланжевена",
                "Динамика Ланжевена",
                "Правильный шаг: x − (λ/2)∇E + ε, ε ~ N(0, λ). Форма со слайда (дисперсия шума λ/2) сэмплирует exp(−4E)/Z — показываем точно."),
            scene("langevin", "seed=1", 0, Some("ebm"),
                "Energy-based model:",
                "Обучение энергетической модели",
                "Положительная фаза на данных, отрицательная — на сэмплах SGLD."),
            scene("langevin", "seed=1", 0, Some("jem"),
                "Дискриминативная модель как EBM",
                "JEM: классификатор как энергетическая модель",
                "E(x) = −log Σ_y exp f(x)[y]; алгоритм со слайда: буфер воспроизведения, SGLD, перезапуск с вероятностью ρ."),
        ],
    )
}

/// 002 (English, HSE): sampling vs density models, energy models, free energy, contrastive
/// divergence, Gibbs sampling, Boltzmann machine training, product of experts. Toy lessons only:
/// every scene is ready in seconds.
fn deck_002() -> Lecture {
    lecture(
        "Generative models: energy models and Boltzmann machines",
        "en",
        "002",
        vec![
            scene("gan", "seed=1", 0, None,
                "Sampling generative models",
                "A sampling model: x = G(z)",
                "Direct sampling: push noise through a network. The density is unknown — but here the target N(−1, 1) is, so the exact W1 is on the page."),
            scene("langevin", "seed=1", 0, Some("well-masses"),
                "Density generative models",
                "A density model: p(x) = exp(−E(x))/Z",
                "An energy landscape whose Z is known by quadrature; Langevin dynamics samples from it."),
            scene("rbm", "seed=1&hidden=2&method=cd&compare=0", 0, Some("theory"),
                "Latent variables",
                "Latent variables and free energy",
                "F(x) = −log Σ_h exp(−E(x, h)): the hidden units summed out in closed form."),
            scene("rbm", "seed=1&hidden=2&method=exact&compare=0", 2000, Some("ll-value"),
                "Energy model can be trained by:",
                "The exact log-likelihood gradient",
                "Positive phase on the data, negative phase on the model — here the negative phase is enumerated exactly."),
            scene("rbm", "seed=1&hidden=2&method=cd&compare=0", 2000, Some("ll-value"),
                "This is known as contrastive divergence.",
                "Contrastive divergence",
                "The negative phase from k Gibbs steps started at the data: CD-1 beside the exact log-likelihood."),
            scene("rbm", "seed=1&hidden=2&method=cd&compare=0", 2000, Some("demo-gibbs"),
                "Gibbs sampling",
                "Gibbs sampling, one half-step at a time",
                "Update h from p(h | x), then x from p(x | h); compare the chain's frequencies with the exact p(x)."),
            scene("boltzmann", "seed=1", 0, Some("families"),
                "Boltzmann machine",
                "The Boltzmann machine",
                "E(s) = −sᵀWs/2 − bᵀs with visible and hidden units all connected."),
            scene("boltzmann", "seed=1&gradient=sampled", 500, Some("samplers"),
                "Training Boltzmann machine",
                "Positive and negative phase",
                "Positive phase: clamp the data, sample the hidden units; negative phase: sample everything."),
            scene("rbm", "seed=1&hidden=2&compare=1", 3000, Some("swap-rates"),
                "Restricted Boltzmann machine",
                "The restricted Boltzmann machine",
                "No connections within a layer: p(h | x) factorises. CD, PCD and parallel tempering from the same start."),
            scene("boltzmann", "seed=1", 0, Some("experts"),
                "Product of experts",
                "An RBM is a product of experts",
                "p(x) ∝ Π_j (1 + exp(w_jᵀx + b_j)) · exp(aᵀx): each hidden unit is one expert."),
        ],
    )
}

/// 003 (Russian, SPbPU): the VAE (ELBO, closed-form KL, reparameterisation), the GAN on
/// N(−1, 1), adversarial autoencoders.
fn deck_003() -> Lecture {
    lecture(
        "VAE, GAN и соперничающие автокодеры",
        "ru",
        "003",
        vec![
            scene("vae", "seed=1", 0, Some("theory"),
                "Вариационный автокодер (VAE)",
                "ELBO вариационного автокодера",
                "log p(x) ≥ E_q[log p(x | z)] − KL(q(z | x) ‖ p(z)); KL в замкнутой форме для гауссиан."),
            scene("vae", "seed=1", 600, Some("test-kl"),
                "Вычисление регуляризациии",
                "KL в замкнутой форме",
                "½ Σ (μ² + σ² − log σ² − 1) на тестовых цифрах, рядом с ошибкой реконструкции."),
            scene("vae", "seed=1", 600, Some("reparam"),
                "Иллюстрация репараметризации",
                "Репараметризация z = μ + σ·ε",
                "Случайность вынесена в ε: градиент проходит через μ и σ."),
            scene("vae", "seed=1", 600, Some("explore-z"),
                "Декодирование",
                "Декодирование из двумерного латентного пространства",
                "Сетка декодированных точек и коды тестовых цифр."),
            scene("gan", "seed=1", 0, None,
                "Соперничающие сети",
                "Пример: N(−1, 1) из z ~ U(0, 1)",
                "Генератор учится превращать равномерный шум в нормальное распределение со средним −1 и стандартным отклонением 1. Точное W₁ по квантилям."),
            scene("gan", "seed=1", 3000, Some("w1-value"),
                "Соперничающие сети - две модели",
                "Генератор догоняет N(−1, 1)",
                "После 3000 шагов: среднее и отклонение генератора рядом с целью; V(D, G) и точное W₁."),
            scene("wae", "seed=1&shaping=adversarial&compare=0", 400, Some("discriminator"),
                "Соперничающие автокодеры",
                "Соперничающий автокодер",
                "Дискриминатор отличает коды от сэмплов априорного распределения; рядом оптимальный дискриминатор p/(p + q)."),
            scene("wae", "seed=1&prior=ring&shaping=adversarial&compare=0&supervised=1", 400, Some("disc-supervised"),
                "Соперничающие автокодеры",
                "AAE с метками: класс — компонента смеси",
                "Каждая цифра привязана к своей компоненте кольца из 10 гауссиан."),
        ],
    )
}

/// 004 (Polish): autoencoders (undercomplete = PCA, sparse, denoising, contractive), the VAE on
/// MNIST with a 2-D latent, latent arithmetic, the RBM on MNIST, stacked AEs and DBNs, the GAN.
fn deck_004() -> Lecture {
    lecture(
        "Uczenie nienadzorowane: autoenkodery, VAE, RBM, DBN, GAN",
        "pl",
        "004",
        vec![
            scene("autoencoders", "seed=1", 600, Some("pca-test"),
                "Niekompletny autokoder",
                "Niekompletny AE i PCA",
                "Dla liniowego dekodera wynik jest równoważny z PCA: błąd PCA to dokładna dolna granica, obok błąd wyuczony."),
            scene("autoencoders", "seed=1&penalty=sparse", 600, Some("sparsity"),
                "Regularyzowany AE",
                "Rzadki autoenkoder",
                "Kara L₁ na aktywacje warstwy ukrytej: ile jednostek jest aktywnych."),
            scene("autoencoders", "seed=1&corruption=masking", 600, Some("denoise-demo"),
                "Autoenkoder z odszumianiem (DAE)",
                "Autoenkoder z odszumianiem",
                "Wejście zniekształcone, cel — oryginał. Zniekształć cyfrę i zobacz rekonstrukcję."),
            scene("autoencoders", "seed=1&penalty=contractive", 600, Some("sensitivity"),
                "Kurczliwy AE",
                "Kurczliwy autoenkoder",
                "Kara ‖∇ₓh(x)‖² (norma Frobeniusa): kod mało czuły na małe zmiany wejścia."),
            scene("vae", "seed=1", 600, Some("explore-z"),
                "VAE na MNIST",
                "VAE na MNIST z dwuwymiarową przestrzenią latentną",
                "Siatka 15×15 zdekodowanych punktów i wykres rozproszenia zakodowanych cyfr, jak na slajdzie."),
            scene("cvae", "seed=1", 400, Some("arith-caption"),
                "Arytmetyka w przestrzeni zmiennych utajonych",
                "Arytmetyka w przestrzeni latentnej",
                "a − b + c na kodach: styl jednej cyfry przeniesiony na inną."),
            scene("rbm-mnist", "seed=1&method=cd&k=1", 1000, Some("filter-caption"),
                "Filtry RBM na MNIST",
                "RBM z CD (k = 1) i jego filtry",
                "Każda jednostka ukryta jako obraz 28×28; obok logarytm wiarygodności (dokładny do 16 jednostek, AIS powyżej)."),
            scene("dbn", "seed=1", 600, Some("dbn-stack"),
                "Stacked autoencoders",
                "Uczenie warstwa po warstwie",
                "Greedy layer-wise pre-training: warstwa 1, zamrożenie, warstwa 2. Obok stos autoenkoderów."),
            scene("dbn", "seed=1", 600, Some("dbn-verdict"),
                "Filtry DBN na MNIST",
                "Czy pre-training pomaga?",
                "Dostrajanie jako klasyfikator z niewieloma etykietami: DBN, stos AE i losowa inicjalizacja na tych samych batchach."),
            scene("gan", "seed=1", 3000, Some("w1-value"),
                "Generative Adversal Network (GAN)",
                "GAN: dwie sieci, generująca i oceniająca",
                "Jednowymiarowy przykład: generator goni N(−1, 1); dokładne W₁ przez kwantyle."),
        ],
    )
}
