//! The lecture's weight table: movies × (bias, hidden units), each unit named by its strongest movies.

use super::*;

/// The lecture's table: movies × (bias, hidden units), coloured, each unit named by its movies.
/// The table's shape follows the data; each cell follows only its own number, so a snapshot
/// updates text and colours instead of rebuilding the table.
#[component]
pub(super) fn WeightTable(lesson: Lesson) -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let shape = Memo::new(move |_| rbm_view(lesson).map(|v| (v.movies.clone(), v.hidden)));
    let max = Memo::new(move |_| {
        lesson.view.with(|v| match v {
            Some(LessonView::Rbm(r)) => r
                .weights
                .0
                .iter()
                .chain(&r.b.0)
                .map(|w| w.abs())
                .fold(0.0f32, f32::max),
            _ => 1.0,
        })
    });
    let value = move |pick: fn(&RbmView, usize) -> f32, k: usize| {
        lesson.view.with(|v| match v {
            Some(LessonView::Rbm(r)) => pick(r, k),
            _ => f32::NAN,
        })
    };
    let cell = move |pick: fn(&RbmView, usize) -> f32, k: usize| {
        view! { <td style=move || heat(value(pick, k), max.get())>{move || fmt_fixed(value(pick, k) as f64, 2)}</td> }
    };
    move || {
        let Some((movies, h)) = shape.get() else {
            return view! { <p>"…"</p> }.into_any();
        };
        view! {
            <table class="weights" data-testid="weight-table">
                <thead>
                    <tr><th></th><th>{tr(lang.get(), "rbm.weights.bias")}</th>
                        {(0..h).map(|j| view! { <th>{format!("{} {}", tr(lang.get(), "rbm.weights.hidden"), j + 1)}</th> }).collect_view()}
                    </tr>
                    <tr class="unit-labels"><th></th><th></th>
                        {(0..h).map(|j| view! {
                            <th data-testid=format!("unit-label-{j}")>{move || rbm_view_label(lesson, j)}</th>
                        }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {movies.iter().enumerate().map(|(i, m)| view! {
                        <tr>
                            <th>{m.clone()}</th>
                            {cell(|r, i| r.b.0.get(i).copied().unwrap_or(f32::NAN), i)}
                            {(0..h).map(|j| cell(if j == 0 { |r: &RbmView, k: usize| w_at(r, k, 0) } else { W_AT[j.min(7)] }, i)).collect_view()}
                        </tr>
                    }).collect_view()}
                    <tr class="hidden-bias"><th>{tr(lang.get(), "rbm.weights.hidden_bias")}</th><td></td>
                        {(0..h).map(|j| cell(|r, j| r.c.0.get(j).copied().unwrap_or(f32::NAN), j)).collect_view()}
                    </tr>
                </tbody>
            </table>
        }
        .into_any()
    }
}

/// The movie names, notifying only when the data changes (not on every snapshot).
pub(super) fn movies_memo(lesson: Lesson) -> Memo<Vec<String>> {
    Memo::new(move |_| {
        lesson.view.with(|v| match v {
            Some(LessonView::Rbm(r)) => r.movies.clone(),
            _ => vec![],
        })
    })
}

pub(super) fn rbm_view_label(lesson: Lesson, j: usize) -> String {
    lesson.view.with(|v| match v {
        Some(LessonView::Rbm(r)) => r.unit_labels.get(j).cloned().unwrap_or_default(),
        _ => String::new(),
    })
}

/// w_ij from the view (row-major d × H).
pub(super) fn w_at(r: &RbmView, i: usize, j: usize) -> f32 {
    r.weights
        .0
        .get(i * r.hidden + j)
        .copied()
        .unwrap_or(f32::NAN)
}

/// One plain function per hidden unit (H ≤ 8), so a cell can hold a `fn` pointer to its column.
pub(super) const W_AT: [fn(&RbmView, usize) -> f32; 8] = [
    |r, i| w_at(r, i, 0),
    |r, i| w_at(r, i, 1),
    |r, i| w_at(r, i, 2),
    |r, i| w_at(r, i, 3),
    |r, i| w_at(r, i, 4),
    |r, i| w_at(r, i, 5),
    |r, i| w_at(r, i, 6),
    |r, i| w_at(r, i, 7),
];
