//! The trend as a PNG line chart, drawn with plotters on a bitmap in memory.
//!
//! The font is compiled into the binary, so the chart looks the same on a server with no
//! fonts installed. The chart sits on its own light background, which reads on Discord's
//! dark and light themes alike; the line colours (Okabe–Ito) are told apart by readers with
//! colour-blindness, and stay apart from the grey of the grid and text.

use std::sync::OnceLock;

use plotters::prelude::*;
use plotters::style::{register_font, FontStyle};

use super::{Axis, Figures, TrendQuery};

pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 600;
/// One colour per term, in the order of the terms.
pub const COLOURS: [(u8, u8, u8); super::MAX_TERMS] =
    [(0, 114, 178), (213, 94, 0), (0, 158, 115), (204, 121, 167)];
const BACKGROUND: RGBColor = RGBColor(250, 250, 250);
const INK: RGBColor = RGBColor(40, 40, 40);
const GRID: RGBColor = RGBColor(225, 225, 225);
/// The family name the chart's text asks for, bound to the embedded font.
const FONT: &str = "sans-serif";
static DEJAVU_SANS: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
/// Height of the strip above the plot holding the title and the legend.
const HEADER: u32 = 90;

/// What the chart draws: everything owned, so it can be drawn on a blocking thread.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub title: String,
    pub y_label: String,
    pub axis: Axis,
    pub lines: Vec<Line>,
}

/// One term's line: (place on the horizontal axis, percent) per period.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub term: String,
    pub points: Vec<(f64, f64)>,
}

#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("the chart's font could not be loaded")]
    Font,
    #[error("the chart could not be drawn: {0}")]
    Draw(String),
    #[error("the chart could not be encoded as PNG: {0}")]
    Encode(#[from] png::EncodingError),
}

impl Chart {
    pub fn new(query: &TrendQuery, figures: &Figures) -> Self {
        let lines = query
            .terms
            .iter()
            .enumerate()
            .map(|(at, term)| Line {
                term: term.clone(),
                points: figures
                    .periods
                    .iter()
                    .map(|p| (p.x, p.percent(at)))
                    .collect(),
            })
            .collect();
        Chart {
            title: format!("Import AI: sections mentioning {query}"),
            y_label: match figures.axis {
                Axis::Years => format!("% of the {}'s sections", query.per.as_str()),
                Axis::IssueNumbers => "% of the issue's sections".to_owned(),
            },
            axis: figures.axis,
            lines,
        }
    }
}

/// The chart as a PNG of [`WIDTH`]×[`HEIGHT`] pixels.
pub fn render(chart: &Chart) -> Result<Vec<u8>, ChartError> {
    load_font()?;
    let mut pixels = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    draw(chart, &mut pixels).map_err(|e| ChartError::Draw(e.to_string()))?;
    let mut png = Vec::new();
    let mut encoder = png::Encoder::new(&mut png, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&pixels)?;
    writer.finish()?;
    Ok(png)
}

fn load_font() -> Result<(), ChartError> {
    static LOADED: OnceLock<bool> = OnceLock::new();
    let loaded =
        *LOADED.get_or_init(|| register_font(FONT, FontStyle::Normal, DEJAVU_SANS).is_ok());
    loaded.then_some(()).ok_or(ChartError::Font)
}

type DrawResult = Result<(), Box<dyn std::error::Error>>;

fn draw(chart: &Chart, pixels: &mut [u8]) -> DrawResult {
    let root = BitMapBackend::with_buffer(pixels, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&BACKGROUND)?;
    let (header, body) = root.split_vertically(HEADER);
    header.draw(&Text::new(
        chart.title.clone(),
        (30, 16),
        (FONT, 28).into_font().color(&INK),
    ))?;
    draw_legend(chart, &header)?;

    let points = || chart.lines.iter().flat_map(|line| &line.points);
    let x_min = points().map(|p| p.0).fold(f64::INFINITY, f64::min).floor();
    let x_max = points()
        .map(|p| p.0)
        .fold(f64::NEG_INFINITY, f64::max)
        .ceil();
    let x_max = if x_max > x_min { x_max } else { x_min + 1.0 };
    let y_max = points().map(|p| p.1).fold(0.0, f64::max);
    // Headroom above the peak, and a readable scale when every value is tiny.
    let y_max = (y_max * 1.1).max(1.0);
    let (x_desc, x_labels) = match chart.axis {
        Axis::Years => ("Year", (x_max - x_min) as usize + 1),
        Axis::IssueNumbers => ("Issue", 10),
    };

    let mut plot = ChartBuilder::on(&body)
        .margin_left(20)
        .margin_right(40)
        .margin_bottom(15)
        .x_label_area_size(55)
        .y_label_area_size(80)
        .build_cartesian_2d(x_min..x_max, 0.0..y_max)?;
    let label_font = (FONT, 18).into_font().color(&INK);
    plot.configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .axis_style(INK)
        .x_labels(x_labels.min(21))
        .y_labels(6)
        .x_label_formatter(&|x| format!("{:.0}", x.floor()))
        .y_label_formatter(&|y| format!("{y:.0}%"))
        .x_desc(x_desc)
        .y_desc(chart.y_label.as_str())
        .label_style(label_font.clone())
        .axis_desc_style(label_font)
        .draw()?;
    let columns = plot.plotting_area().dim_in_pixel().0 as usize / PIXELS_PER_STEP;
    for (line, &(r, g, b)) in chart.lines.iter().zip(&COLOURS) {
        let colour = RGBColor(r, g, b);
        plot.draw_series(LineSeries::new(
            envelope(&line.points, x_min, x_max, columns),
            colour.stroke_width(3),
        ))?;
    }
    root.present()?;
    Ok(())
}

/// Horizontal pixels per step of a line: finer steps cannot be seen in a 3-pixel line.
const PIXELS_PER_STEP: usize = 2;

/// The points as drawn: where several fall in one step of the plot's width, only the lowest
/// and the highest of them, in order, so that peaks stay and a line of 10,000 issues is
/// drawn as about a thousand segments.
fn envelope(points: &[(f64, f64)], x_min: f64, x_max: f64, columns: usize) -> Vec<(f64, f64)> {
    if points.len() <= 2 * columns || columns == 0 {
        return points.to_vec();
    }
    let column = |x: f64| (((x - x_min) / (x_max - x_min)) * columns as f64) as usize;
    let mut kept = Vec::with_capacity(2 * columns + 2);
    for group in points.chunk_by(|a, b| column(a.0) == column(b.0)) {
        let low = group.iter().min_by(|a, b| a.1.total_cmp(&b.1));
        let high = group.iter().max_by(|a, b| a.1.total_cmp(&b.1));
        if let (Some(&low), Some(&high)) = (low, high) {
            if low == high {
                kept.push(low);
            } else if low.0 <= high.0 {
                kept.extend([low, high]);
            } else {
                kept.extend([high, low]);
            }
        }
    }
    kept
}

/// A swatch and the term for each line, in a row under the title.
fn draw_legend(
    chart: &Chart,
    header: &DrawingArea<BitMapBackend, plotters::coord::Shift>,
) -> DrawResult {
    let font = (FONT, 20).into_font().color(&INK);
    let mut x = 30;
    for (line, &(r, g, b)) in chart.lines.iter().zip(&COLOURS) {
        header.draw(&Rectangle::new(
            [(x, 62), (x + 28, 68)],
            RGBColor(r, g, b).filled(),
        ))?;
        header.draw(&Text::new(line.term.clone(), (x + 36, 54), font.clone()))?;
        let (width, _) = header.estimate_text_size(&line.term, &font)?;
        x += 36 + width as i32 + 40;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_envelope_keeps_each_steps_lowest_and_highest_point_in_order() {
        let points: Vec<(f64, f64)> = (0..1000)
            .map(|i| (f64::from(i), f64::from(i % 7)))
            .collect();
        let kept = envelope(&points, 0.0, 1000.0, 10);
        assert_eq!(kept.len(), 20);
        assert!(kept.windows(2).all(|w| w[0].0 <= w[1].0));
        assert!(kept.iter().any(|p| p.1 == 6.0) && kept.iter().any(|p| p.1 == 0.0));
        let few = &points[..15];
        assert_eq!(envelope(few, 0.0, 15.0, 10), few);
    }
}
