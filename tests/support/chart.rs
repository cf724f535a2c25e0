//! Charts as the reader sees them: the PNG decoded, its size and its lines' colours.

use importai_bot::answers::trend::{COLOURS, HEIGHT, WIDTH};

/// Rows above this hold the title and the legend; below it, the plot.
const PLOT_TOP: usize = 100;
/// A line 3 px wide across even a short plot covers more pixels than this; a legend swatch
/// is above the plot and not counted.
const MIN_LINE_PIXELS: usize = 300;

/// Decodes `png` and checks it is [`WIDTH`]×[`HEIGHT`] with a line of each of the first
/// `terms` colours drawn in the plot.
pub fn assert_chart(png: &[u8], terms: usize) {
    let decoder = png::Decoder::new(png);
    let mut reader = decoder.read_info().expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut pixels).expect("a PNG frame");
    assert_eq!((frame.width, frame.height), (WIDTH, HEIGHT));
    let channels = frame.color_type.samples();
    assert!(channels >= 3, "{:?}", frame.color_type);
    let row = frame.line_size;
    for (at, &(r, g, b)) in COLOURS.iter().enumerate().take(terms) {
        let drawn = (PLOT_TOP..HEIGHT as usize)
            .flat_map(|y| (0..WIDTH as usize).map(move |x| y * row + x * channels))
            .filter(|&i| pixels[i..i + 3] == [r, g, b])
            .count();
        assert!(
            drawn >= MIN_LINE_PIXELS,
            "term {at}'s colour {:?} covers only {drawn} pixels of the plot",
            (r, g, b)
        );
    }
    // No colour for a term that is not there.
    if let Some(&(r, g, b)) = COLOURS.get(terms) {
        assert!(!pixels.chunks(channels).any(|p| p[..3] == [r, g, b]));
    }
}
