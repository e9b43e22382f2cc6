//! The training data as a table of toggles, renamable and removable users, and their energies.

use super::*;

/// The training data as a table of toggles: users (renamable, removable) × movies, with each
/// user's free energy and energy. Any edit restarts training on the new data.
#[component]
pub(super) fn DataEditor(lesson: Lesson, settings: Memo<RbmSettings>) -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let edit = move |f: Box<dyn FnOnce(&mut Dataset)>| {
        let mut s = settings.get_untracked();
        f(&mut s.data);
        lesson.update(to_query(&s));
    };
    view! {
        <section class="data-editor">
            <h3>{move || tr(lang.get(), "rbm.data.title")}</h3>
            <p class="hint">{move || tr(lang.get(), "rbm.data.hint")}</p>
            {move || {
                let s = settings.get();
                let d = s.data.clone();
                // Energies change every snapshot: each cell reads only its own number.
                let energy = move |u: usize, free: bool| {
                    lesson.view.with(|v| match v {
                        Some(LessonView::Rbm(r)) => (if free { r.free_energy.get(u) } else { r.energy.get(u) }).copied().map(fmt_num),
                        _ => None,
                    })
                    .unwrap_or_default()
                };
                view! {
                    <table class="data" data-testid="data-table">
                        <thead><tr>
                            <th>{tr(lang.get(), "rbm.data.user")}</th>
                            {d.movies.iter().map(|m| view! { <th>{m.clone()}</th> }).collect_view()}
                            <th title="F(v)">"F(v)"</th><th title="E(v, h*)">"E(v,h*)"</th><th></th><th></th>
                        </tr></thead>
                        <tbody>
                            {d.users.iter().enumerate().map(|(u, (name, ratings))| {
                                let desc = d.description(u).unwrap_or("");
                                view! {
                                    <tr>
                                        <td><input class="name" type="text" prop:value=name.clone() aria-label="user name"
                                            data-testid=format!("user-name-{u}")
                                            on:change=move |e| { let n = event_target_value(&e); edit(Box::new(move |d: &mut Dataset| d.users[u].0 = n)) } /></td>
                                        {ratings.iter().enumerate().map(|(i, &r)| view! {
                                            <td class="cell"><input type="checkbox" prop:checked=r == 1 data-testid=format!("cell-{u}-{i}")
                                                aria-label=format!("user {} movie {}", u + 1, i + 1)
                                                on:change=move |_| edit(Box::new(move |d: &mut Dataset| d.users[u].1[i] ^= 1)) /></td>
                                        }).collect_view()}
                                        <td class="num">{move || energy(u, true)}</td>
                                        <td class="num">{move || energy(u, false)}</td>
                                        <td><button class="small" data-testid=format!("remove-user-{u}") title="remove"
                                            on:click=move |_| edit(Box::new(move |d: &mut Dataset| { d.users.remove(u); }))>"✕"</button></td>
                                        <td class="desc">{desc}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }
            }}
            <div class="toolbar">
                <button data-testid="add-user" on:click=move |_| edit(Box::new(|d: &mut Dataset| {
                    let n = d.users.len() + 1;
                    let dd = d.d();
                    d.users.push((format!("User {n}"), vec![0; dd]));
                }))>{move || tr(lang.get(), "rbm.data.add")}</button>
                <button data-testid="reset-data" on:click=move |_| edit(Box::new(|d: &mut Dataset| *d = Dataset::default()))>
                    {move || tr(lang.get(), "rbm.data.reset")}</button>
            </div>
        </section>
    }
}
