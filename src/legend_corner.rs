//! Where a chart's legend goes: plain geometry, so it is tested natively (the drawing itself,
//! `chart_legend`, runs in the browser only).

/// The corner a chart's legend prefers. It moves to another corner where the preferred one
/// would cover the data and another covers far less ([`corner`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LegendAt {
    UpperLeft,
    UpperRight,
    LowerRight,
    LowerLeft,
}

/// The plot area in canvas pixels: left, top, right, bottom.
pub type Area = (f64, f64, f64, f64);

/// The corner whose box (`w` × `h`, `inset` from the area's edges) covers the least of `ink`
/// (the drawn data, as canvas pixels). The preferred corner `at` stays unless it covers some
/// data and another covers at most a quarter as much: a chart redrawn while it trains should
/// not see its legend hop between two corners that cover about as much.
pub fn corner(
    at: LegendAt,
    area: Area,
    (w, h): (f64, f64),
    inset: f64,
    ink: &[(f64, f64)],
) -> (f64, f64) {
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
    let covered = |(x, y): (f64, f64)| {
        ink.iter()
            .filter(|&&(px, py)| px >= x && px <= x + w && py >= y && py <= y + h)
            .count()
    };
    let preferred = origin(at);
    let here = covered(preferred);
    if here <= 3 {
        return preferred;
    }
    [
        LegendAt::UpperRight,
        LegendAt::UpperLeft,
        LegendAt::LowerRight,
        LegendAt::LowerLeft,
    ]
    .into_iter()
    .map(|c| (covered(origin(c)), origin(c)))
    .filter(|&(n, _)| 4 * n <= here)
    .min_by_key(|&(n, _)| n)
    .map_or(preferred, |(_, o)| o)
}

#[cfg(test)]
mod tests {
    use super::*;

    const AREA: Area = (0.0, 0.0, 400.0, 300.0);
    const BOX: (f64, f64) = (100.0, 50.0);

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

    #[test]
    fn the_legend_keeps_its_corner_while_it_covers_nothing() {
        let ink = block(0.0, 250.0, 0.0, 300.0); // the left part of the plot
        assert_eq!(
            corner(LegendAt::UpperRight, AREA, BOX, 8.0, &ink),
            (292.0, 8.0)
        );
        assert_eq!(
            corner(LegendAt::UpperRight, AREA, BOX, 8.0, &[]),
            (292.0, 8.0)
        );
    }

    /// Curves high on the right (accuracies, a rising share): the legend goes below them.
    #[test]
    fn the_legend_moves_off_the_data_to_the_emptiest_corner() {
        let ink = block(0.0, 400.0, 0.0, 120.0);
        assert_eq!(
            corner(LegendAt::UpperRight, AREA, BOX, 8.0, &ink),
            (292.0, 242.0)
        );
        let mut both = ink.clone();
        both.extend(block(200.0, 400.0, 200.0, 300.0)); // the lower right taken too
        assert_eq!(
            corner(LegendAt::UpperRight, AREA, BOX, 8.0, &both),
            (8.0, 242.0)
        );
    }

    /// Noisy curves everywhere: every corner covers about as much, and the legend stays put
    /// rather than hop between redraws.
    #[test]
    fn the_legend_stays_where_every_corner_covers_about_as_much() {
        let mut ink = block(0.0, 400.0, 0.0, 300.0);
        ink.extend(block(292.0, 392.0, 8.0, 58.0)); // the preferred corner a little busier
        assert_eq!(
            corner(LegendAt::UpperRight, AREA, BOX, 8.0, &ink),
            (292.0, 8.0)
        );
    }
}
