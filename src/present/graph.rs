//! History as characters: the header's btop-style graphs (braille, two
//! refreshes a cell, four dots high a line) and the table's sparkline (eighth
//! blocks, one refresh a cell). Without colour, plain characters, as the
//! bars' monochrome scheme: one refresh a cell, `.` `:` `|` a line.
//!
//! Pure: values and a top in, characters out, so the scaling is tested apart
//! from any drawing.

/// Eighth blocks, empty to full.
const EIGHTHS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
/// Without colour: a third, two thirds and all of a line.
const MONO_STEPS: [char; 4] = [' ', '.', ':', '|'];

/// `value` of `top` in `steps` steps, rounded; anything above zero is at
/// least one step, so a little use is never drawn as none.
pub(crate) fn level(value: f32, top: f32, steps: usize) -> usize {
    let drawn = value > 0.0 && top > 0.0;
    if !drawn {
        return 0;
    }
    let l = (value / top * steps as f32).round() as usize;
    l.clamp(1, steps)
}

/// Refreshes one character cell holds.
pub(crate) fn per_cell(mono: bool) -> usize {
    if mono { 1 } else { 2 }
}

/// Steps of one line of a graph.
fn steps_per_line(mono: bool) -> usize {
    if mono { MONO_STEPS.len() - 1 } else { 4 }
}

/// The dots of a braille cell filled from the bottom: `left`, `right` of 0..=4.
fn braille(left: usize, right: usize) -> char {
    // Dots 7, 3, 2, 1 (left column) and 8, 6, 5, 4 (right), bottom up.
    const LEFT: [u32; 4] = [0x40, 0x04, 0x02, 0x01];
    const RIGHT: [u32; 4] = [0x80, 0x20, 0x10, 0x08];
    let bits: u32 = LEFT[..left.min(4)]
        .iter()
        .chain(&RIGHT[..right.min(4)])
        .sum();
    // No dots: a space, as the blank left of a short history.
    match bits {
        0 => ' ',
        b => char::from_u32(0x2800 + b).unwrap_or(' '),
    }
}

/// Line `line` (0 = the top one) of a graph `lines` high and `cells` wide of
/// `values` (oldest first, scaled to `top`): the newest at the right edge,
/// blank cells on the left where the history is shorter than the graph.
/// Writes into `out` (cleared first), so a frame can reuse one buffer.
pub(crate) fn graph_line(
    values: &[f32],
    top: f32,
    cells: usize,
    (line, lines): (usize, usize),
    mono: bool,
    out: &mut String,
) {
    out.clear();
    let per = per_cell(mono);
    let step = steps_per_line(mono);
    let shown = &values[values.len().saturating_sub(cells * per)..];
    // In steps above this line's bottom, 0..=step.
    let below = (lines - 1 - line.min(lines - 1)) * step;
    let height = |v: f32| level(v, top, lines * step).saturating_sub(below).min(step);
    // Points before the first shown one, counted in whole cells from the left.
    let missing = cells * per - shown.len();
    for _ in 0..missing / per {
        out.push(' ');
    }
    // A cell half filled: the older of its two points is missing.
    let mut it = shown.iter().copied().map(height);
    if missing % per == 1 {
        out.push(braille(0, it.next().unwrap_or(0)));
    }
    while let Some(a) = it.next() {
        if mono {
            out.push(MONO_STEPS[a]);
        } else {
            out.push(braille(a, it.next().unwrap_or(0)));
        }
    }
}

/// One cell of a sparkline: `value` of `top`.
pub(crate) fn spark(value: f32, top: f32, mono: bool) -> char {
    if mono {
        MONO_STEPS[level(value, top, MONO_STEPS.len() - 1)]
    } else {
        EIGHTHS[level(value, top, EIGHTHS.len() - 1)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(values: &[f32], cells: usize, l: (usize, usize), mono: bool) -> String {
        let mut s = String::new();
        graph_line(values, 100.0, cells, l, mono, &mut s);
        s
    }

    #[test]
    fn levels_round_clamp_and_keep_a_little_visible() {
        assert_eq!(level(0.0, 100.0, 8), 0);
        assert_eq!(level(0.1, 100.0, 8), 1, "a little is one step");
        assert_eq!(level(50.0, 100.0, 8), 4);
        assert_eq!(level(100.0, 100.0, 8), 8);
        assert_eq!(level(250.0, 100.0, 8), 8, "above the top is full");
        assert_eq!(level(-3.0, 100.0, 8), 0);
        assert_eq!(level(f32::NAN, 100.0, 8), 0);
        assert_eq!(level(5.0, 0.0, 8), 0, "no scale, nothing drawn");
    }

    #[test]
    fn braille_fills_from_the_bottom() {
        assert_eq!(braille(0, 0), ' ');
        assert_eq!(braille(1, 0), '⡀');
        assert_eq!(braille(0, 1), '⢀');
        assert_eq!(braille(4, 4), '⣿');
        assert_eq!(braille(2, 3), '\u{28F4}');
    }

    #[test]
    fn graph_lines_split_the_height_and_keep_the_newest_at_the_right() {
        // Two lines, 8 steps in all: 50 % fills the bottom line only.
        let v = [50.0, 100.0];
        assert_eq!(line(&v, 2, (1, 2), false), " ⣿");
        assert_eq!(line(&v, 2, (0, 2), false), " ⢸");
        // One point: the right half of the last cell.
        assert_eq!(line(&[100.0], 2, (1, 1), false), " ⢸");
        // More points than fit: the oldest are left out.
        assert_eq!(line(&[100.0, 0.0, 0.0, 0.0, 0.0], 2, (0, 1), false), "  ");
        // Without colour, one point a cell, thirds of a line.
        assert_eq!(line(&[0.0, 33.0, 67.0, 100.0], 4, (0, 1), true), " .:|");
        assert_eq!(line(&[50.0, 100.0], 3, (0, 2), true), "  |");
        assert_eq!(line(&[50.0, 100.0], 3, (1, 2), true), " ||");
    }

    #[test]
    fn sparkline_cells() {
        assert_eq!(spark(0.0, 100.0, false), ' ');
        assert_eq!(spark(1.0, 100.0, false), '▁');
        assert_eq!(spark(50.0, 100.0, false), '▄');
        assert_eq!(spark(400.0, 100.0, false), '█');
        assert_eq!(spark(50.0, 100.0, true), ':');
        assert_eq!(spark(100.0, 100.0, true), '|');
    }
}
