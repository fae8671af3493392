//! A `#rrggbb` colour on a terminal that did not announce truecolor: the
//! nearest of the 256-colour palette's 6x6x6 cube (16..=231) and grayscale
//! ramp (232..=255), which every 256-colour terminal draws alike (the first
//! 16 are left out: each terminal has its own).

/// The cube's six levels on each axis.
const CUBE: [u8; 6] = [0, 95, 135, 175, 215, 255];

/// The palette index nearest `(r, g, b)` by squared distance; the cube wins a tie.
pub(crate) fn nearest(r: u8, g: u8, b: u8) -> u8 {
    let level = |v: u8| {
        (0..6)
            .min_by_key(|&i| (i32::from(CUBE[i]) - i32::from(v)).abs())
            .unwrap_or(0)
    };
    let (ri, gi, bi) = (level(r), level(g), level(b));
    let cube = (16 + 36 * ri + 6 * gi + bi) as u8;
    let cube_d = distance((r, g, b), (CUBE[ri], CUBE[gi], CUBE[bi]));
    // The ramp: 8, 18, ..., 238; the step nearest the mean is nearest of all.
    let mean = (u32::from(r) + u32::from(g) + u32::from(b)) / 3;
    let step = (0..24u32)
        .min_by_key(|&i| (8 + 10 * i).abs_diff(mean))
        .unwrap_or(0);
    let v = (8 + 10 * step) as u8;
    if distance((r, g, b), (v, v, v)) < cube_d {
        232 + step as u8
    } else {
        cube
    }
}

fn distance(a: (u8, u8, u8), b: (u8, u8, u8)) -> u32 {
    let d = |x: u8, y: u8| u32::from(x.abs_diff(y)).pow(2);
    d(a.0, b.0) + d(a.1, b.1) + d(a.2, b.2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_colours_land_where_xterm_puts_them() {
        for ((r, g, b), want) in [
            ((0, 0, 0), 16),
            ((255, 255, 255), 231),
            ((255, 0, 0), 196),
            ((0, 255, 0), 46),
            ((0, 0, 255), 21),
            ((0x5f, 0x87, 0xaf), 67),
            ((0xd7, 0xaf, 0x00), 178),
            // Grays between the cube's steps go to the ramp.
            ((0x80, 0x80, 0x80), 244),
            ((0x76, 0x76, 0x76), 243),
            ((0x08, 0x08, 0x08), 232),
            ((0xee, 0xee, 0xee), 255),
            ((0x30, 0x30, 0x30), 236),
            // Near a cube colour: that one, not a gray.
            ((0x5e, 0x00, 0x01), 52),
            ((250, 128, 114), 209), // salmon
        ] {
            assert_eq!(nearest(r, g, b), want, "#{r:02x}{g:02x}{b:02x}");
        }
    }

    #[test]
    fn every_palette_colour_maps_to_itself() {
        for (i, r) in CUBE.iter().enumerate() {
            for (j, g) in CUBE.iter().enumerate() {
                for (k, b) in CUBE.iter().enumerate() {
                    assert_eq!(nearest(*r, *g, *b) as usize, 16 + 36 * i + 6 * j + k);
                }
            }
        }
        for step in 0..24u8 {
            let v = 8 + 10 * step;
            assert_eq!(nearest(v, v, v), 232 + step, "gray {v}");
        }
    }
}
