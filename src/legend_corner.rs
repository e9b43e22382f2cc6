//! Where a chart's legend goes: plain geometry, so it is tested natively (the drawing itself,
//! `chart_legend`, runs in the browser only).

/// The corner a chart's legend prefers. In a chart over a count (steps, iterations) the legend
/// moves to an empty corner where it would hide the data ([`corner`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LegendAt {
    UpperLeft,
    UpperRight,
    LowerRight,
    LowerLeft,
}

/// The plot area in canvas pixels: left, top, right, bottom.
pub type Area = (f64, f64, f64, f64);

/// A legend's box, `w` × `h` canvas pixels.
pub type Size = (f64, f64);

/// Where a chart's legend was drawn, and the corner it has wanted to move to since when.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Placement {
    pub at: Option<LegendAt>,
    wants: Option<(LegendAt, f64)>,
}

/// How long a legend must have wanted the same other corner before it moves there: a chart
/// redrawn while it trains whose corners empty and fill by turns (the GAN's densities, as the
/// fakes sweep left and right) keeps its legend still.
pub const SETTLE_MS: f64 = 2000.0;

/// Where a chart's legend goes in `area` (its box `size`, `inset` from the edges), given the
/// drawn data `ink` (canvas pixels), the corner the chart prefers (`prefer`), where the legend
/// was drawn last (`was`) and the time `now_ms`. The corner it wants: where it is while it hides
/// no data there; hiding some, the preferred corner if that one is empty, or else the first
/// empty corner; none empty, where it is. Drawn first, it goes there at once; later only once it
/// has wanted the same corner for [`SETTLE_MS`]. Returns the new placement and the box's
/// top-left point.
pub fn corner(
    prefer: LegendAt,
    was: Placement,
    now_ms: f64,
    area: Area,
    (w, h): Size,
    inset: f64,
    ink: &[(f64, f64)],
) -> (Placement, (f64, f64)) {
    let (left, top, right, bottom) = area;
    let origin = |at: LegendAt| {
        let x = match at {
            LegendAt::UpperLeft | LegendAt::LowerLeft => left + inset,
            LegendAt::UpperRight | LegendAt::LowerRight => right - inset - w,
        };
        let y = match at {
            LegendAt::UpperLeft | LegendAt::UpperRight => top + inset,
            LegendAt::LowerRight | LegendAt::LowerLeft => bottom - inset - h,
        };
        (x, y)
    };
    // A few pixels under the box's edge are not data hidden.
    const EMPTY: usize = 3;
    let empty = |c: LegendAt| {
        let (x, y) = origin(c);
        ink.iter()
            .filter(|&&(px, py)| px >= x && px <= x + w && py >= y && py <= y + h)
            .nth(EMPTY)
            .is_none()
    };
    let current = was.at.unwrap_or(prefer);
    let target = if empty(current) {
        current
    } else if empty(prefer) {
        prefer
    } else {
        [
            LegendAt::UpperRight,
            LegendAt::UpperLeft,
            LegendAt::LowerRight,
            LegendAt::LowerLeft,
        ]
        .into_iter()
        .find(|&c| empty(c))
        .unwrap_or(current)
    };
    let since = match was.wants {
        Some((wanted, since)) if wanted == target => since,
        _ => now_ms,
    };
    // Drawn first, it goes where it wants at once; later, once it has wanted it long enough.
    let moves = was.at.is_none() || now_ms - since >= SETTLE_MS;
    let at = if moves { target } else { current };
    let wants = (at != target).then_some((target, since));
    (
        Placement {
            at: Some(at),
            wants,
        },
        origin(at),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const AREA: Area = (0.0, 0.0, 400.0, 300.0);
    const BOX: Size = (100.0, 50.0);

    /// Ink filling the rectangle [x0, x1] × [y0, y1] every 2 pixels.
    fn block(x0: f64, x1: f64, y0: f64, y1: f64) -> Vec<(f64, f64)> {
        let mut ink = vec![];
        let mut x = x0;
        while x <= x1 {
            let mut y = y0;
            while y <= y1 {
                ink.push((x, y));
                y += 2.0;
            }
            x += 2.0;
        }
        ink
    }

    /// Where a legend that prefers the upper right goes after a draw placed as `was`.
    fn place(was: Placement, now: f64, ink: &[(f64, f64)]) -> (Placement, (f64, f64)) {
        corner(LegendAt::UpperRight, was, now, AREA, BOX, 8.0, ink)
    }

    /// The corner of a legend drawn first over `ink`.
    fn first(ink: &[(f64, f64)]) -> LegendAt {
        place(Placement::default(), 0.0, ink).0.at.unwrap()
    }

    /// A legend drawn in `at` before.
    fn in_corner(at: LegendAt) -> Placement {
        Placement {
            at: Some(at),
            wants: None,
        }
    }

    #[test]
    fn the_legend_keeps_its_corner_while_it_covers_nothing() {
        let ink = block(0.0, 250.0, 0.0, 300.0); // the left part of the plot
        assert_eq!(place(Placement::default(), 0.0, &ink).1, (292.0, 8.0));
        assert_eq!(first(&ink), LegendAt::UpperRight);
        assert_eq!(first(&[]), LegendAt::UpperRight);
        let (moved, origin) = place(in_corner(LegendAt::LowerRight), 0.0, &ink);
        assert_eq!(
            (moved.at, origin),
            (Some(LegendAt::LowerRight), (292.0, 242.0))
        );
    }

    /// Curves high on the right (accuracies, a rising share): drawn first, the legend goes
    /// below them, to the first empty corner.
    #[test]
    fn the_legend_moves_off_the_data_to_an_empty_corner() {
        let ink = block(0.0, 400.0, 0.0, 120.0);
        assert_eq!(first(&ink), LegendAt::LowerRight);
        let mut both = ink.clone();
        both.extend(block(200.0, 400.0, 200.0, 300.0)); // the lower right taken too
        assert_eq!(first(&both), LegendAt::LowerLeft);
    }

    /// No corner empty: the legend stays where it is, even where another corner hides far
    /// less (a tail, a line of arrows).
    #[test]
    fn the_legend_stays_while_no_corner_is_empty() {
        let mut ink = block(0.0, 400.0, 0.0, 120.0); // the upper half taken
        ink.extend((0..200).map(|x| (2.0 * x as f64, 280.0))); // one line along the bottom
        assert_eq!(first(&ink), LegendAt::UpperRight);
        let stays = place(in_corner(LegendAt::LowerLeft), 0.0, &ink).0;
        assert_eq!(stays, in_corner(LegendAt::LowerLeft));
    }

    /// Drawn before, the legend moves only once it has wanted the same corner for the settling
    /// time: corners that empty and fill by turns keep it still.
    #[test]
    fn a_drawn_legend_moves_only_after_wanting_one_corner_for_a_while() {
        let top = block(0.0, 400.0, 0.0, 120.0); // the upper half taken: the lower right is free
        let mut was = in_corner(LegendAt::UpperRight);
        for now in [0.0, 500.0, 1000.0, 1500.0] {
            was = place(was, now, &top).0;
            assert_eq!(was.at, Some(LegendAt::UpperRight), "at {now} ms");
        }
        was = place(was, SETTLE_MS, &top).0;
        assert_eq!(was, in_corner(LegendAt::LowerRight));
        // By turns: the lower right and the lower left empty on alternate draws.
        let mut left = top.clone();
        left.extend(block(0.0, 120.0, 200.0, 300.0));
        let mut right = top.clone();
        right.extend(block(280.0, 400.0, 200.0, 300.0));
        let mut was = in_corner(LegendAt::UpperRight);
        for i in 0..20 {
            let ink = if i % 2 == 0 { &left } else { &right };
            was = place(was, 400.0 * i as f64, ink).0;
            assert_eq!(was.at, Some(LegendAt::UpperRight), "draw {i}");
        }
    }

    /// A moved legend goes back to the preferred corner (after settling) when that one empties
    /// while its own fills.
    #[test]
    fn a_moved_legend_returns_when_its_corner_fills() {
        let ink = block(200.0, 400.0, 180.0, 300.0); // the lower right taken, the top free
        let was = place(in_corner(LegendAt::LowerRight), 0.0, &ink).0;
        assert_eq!(was.at, Some(LegendAt::LowerRight));
        assert_eq!(
            place(was, SETTLE_MS, &ink).0,
            in_corner(LegendAt::UpperRight)
        );
    }
}
