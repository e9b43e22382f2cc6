//! The GAN lesson's charts as plain specs: densities with D and D*, the generator's map against the
//! exact maps, and the metric histories.

use super::*;

pub(super) fn grid(range: (f64, f64), n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| range.0 + (range.1 - range.0) * i as f64 / (n.max(2) - 1) as f64)
        .collect()
}

pub(super) fn zip(xs: &[f64], ys: &[f32]) -> Vec<(f64, f64)> {
    xs.iter().zip(ys).map(|(&x, &y)| (x, y as f64)).collect()
}

pub(super) fn density_chart(v: &GanView, lang: Lang) -> ChartSpec {
    let xs = grid(v.x_range, v.target.0.len());
    let hist_max = v.hist.0.iter().cloned().fold(0.0f32, f32::max) as f64;
    let y_top = hist_max.clamp(1.05, 4.0) * 1.05;
    // Arrows along a line near the bottom: length ∝ dD/dx, the direction G moves each fake.
    let max_push = v
        .arrow_push
        .0
        .iter()
        .map(|p| p.abs())
        .fold(0.0f32, f32::max)
        .max(1e-6) as f64;
    let base = 0.06 * y_top;
    let from: Vec<(f64, f64)> = v.arrow_x.0.iter().map(|&x| (x as f64, base)).collect();
    let to: Vec<(f64, f64)> = v
        .arrow_x
        .0
        .iter()
        .zip(&v.arrow_push.0)
        .map(|(&x, &p)| (x as f64 + 0.8 * p as f64 / max_push, base))
        .collect();
    ChartSpec {
        x_range: v.x_range,
        y_range: (0.0, y_top),
        log_y: false,
        x_label: tr(lang, "gan.axis.x").into(),
        x_integer: false,
        y_label: tr(lang, "gan.axis.density").into(),
        legend: LegendAt::UpperRight,
        layers: vec![
            Layer::Bars {
                name: tr(lang, "gan.series.hist").into(),
                color: palette::SKY,
                lo: v.x_range.0,
                hi: v.x_range.1,
                heights: v.hist.0.iter().map(|&h| h as f64).collect(),
            },
            Layer::Line {
                name: tr(lang, "gan.series.target").into(),
                color: palette::BLACK,
                points: zip(&xs, &v.target.0),
                dashed: false,
            },
            Layer::Line {
                name: tr(lang, "gan.series.p_g").into(),
                color: palette::BLUE,
                points: zip(&xs, &v.p_g.0),
                dashed: false,
            },
            Layer::Line {
                name: tr(lang, "gan.series.d").into(),
                color: palette::VERMILION,
                points: zip(&xs, &v.d.0),
                dashed: false,
            },
            Layer::Line {
                name: tr(lang, "gan.series.d_star").into(),
                color: palette::ORANGE,
                points: zip(&xs, &v.d_star.0),
                dashed: true,
            },
            Layer::Arrows {
                name: tr(lang, "gan.series.push").into(),
                color: palette::GREEN,
                from,
                to,
            },
        ],
    }
}

pub(super) fn map_chart(v: &GanView, lang: Lang, noise: Noise) -> ChartSpec {
    let z: Vec<f64> = v.z.0.iter().map(|&z| z as f64).collect();
    let ideal_name = match noise {
        Noise::Uniform => "gan.series.ideal_map",
        Noise::Normal => "gan.series.ideal_map_normal",
    };
    let mut layers = vec![
        Layer::Line {
            name: tr(lang, ideal_name).into(),
            color: palette::BLACK,
            points: zip(&z, &v.ideal_map.0),
            dashed: true,
        },
        Layer::Line {
            name: String::new(),
            color: palette::BLACK,
            points: zip(&z, &v.ideal_map_down.0),
            dashed: true,
        },
        Layer::Line {
            name: tr(lang, "gan.series.g_map").into(),
            color: palette::BLUE,
            points: zip(&z, &v.g_map.0),
            dashed: false,
        },
    ];
    if v.ema_shown {
        layers.push(Layer::Line {
            name: tr(lang, "gan.series.g_map_raw").into(),
            color: palette::GREY,
            points: zip(&z, &v.g_map_raw.0),
            dashed: false,
        });
    }
    let mut spec = ChartSpec {
        x_range: (
            z.first().copied().unwrap_or(0.0),
            z.last().copied().unwrap_or(1.0),
        ),
        y_range: (-5.0, 3.0),
        log_y: false,
        x_label: tr(lang, "gan.axis.z").into(),
        x_integer: false,
        y_label: "x = G(z)".into(),
        legend: LegendAt::UpperLeft,
        layers,
    };
    spec.fit_y(None);
    spec.y_range = (spec.y_range.0.max(-10.0), spec.y_range.1.min(10.0));
    spec
}

pub(super) fn metric_chart(
    h: &History,
    lang: Lang,
    names: &[(&str, plotters::style::RGBColor)],
    hline: Option<(&str, f64)>,
    log_y: bool,
) -> ChartSpec {
    let labels: Vec<String> = names
        .iter()
        .map(|(n, _)| tr(lang, &format!("gan.series.{n}")).to_string())
        .collect();
    let series: Vec<SeriesSpec> = names
        .iter()
        .zip(&labels)
        .map(|((metric, color), label)| SeriesSpec {
            metric,
            label,
            color: *color,
        })
        .collect();
    history_chart(
        h,
        &series,
        hline.map(|(k, y)| (tr(lang, k), y)),
        log_y,
        tr(lang, "gan.axis.step"),
    )
}
