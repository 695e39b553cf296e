//! The appearance of a visible digital signature (`dossier sign --visible`): who signed, the
//! words "digitally signed" in the document's language, and when, set inside the document's
//! own box to sign in with the crate's fonts, embedded as a subset so a PDF/A file stays PDF/A.

use super::draw::{Op, Stroke};
use super::fonts::FontChain;
use super::layout::{ACCENT, INK, MUTED, Rich, Shaper, Style, break_lines, draw_line};
use super::writer;

/// What a signature's appearance says.
pub struct Stamp<'a> {
    /// The signer (the certificate's common name).
    pub name: &'a str,
    /// `数字签名` / `數位簽章` / `Digitally signed`.
    pub wording: &'a str,
    /// `2024-10-20 08:00 UTC`.
    pub when: &'a str,
}

/// Why an appearance cannot be made.
#[derive(Debug)]
pub enum StampError {
    /// No font of the chain draws this character.
    Missing(char),
    Pdf(String),
}

const PAD: f32 = 4.0;
const NAME: f32 = 10.0;
const SMALL: f32 = 6.5;
/// Line height, as a multiple of the font size.
const LEADING: f32 = 1.3;

/// The drawing of a stamp in a box `width` × `height` (origin top-left): the name in bold, the
/// wording and the time under it, all left of a thin accent rule, the block centred
/// vertically; sizes shrink until the name fits the width and the block the height.
pub fn ops(sh: &mut Shaper, stamp: &Stamp, width: f32, height: f32) -> Result<Vec<Op>, StampError> {
    let bar = 5.0;
    let room = (width - 2.0 * PAD - bar).max(1.0);
    let name_w = sh.width_as(stamp.name, NAME, true);
    let small_w = sh.width(stamp.wording, SMALL).max(sh.width(stamp.when, SMALL));
    if let Some(c) = sh.missing {
        return Err(StampError::Missing(c));
    }
    let fit = |w: f32| if w > room { room / w } else { 1.0 };
    let name_size = NAME * fit(name_w);
    let mut small = SMALL * fit(small_w);
    let mut big = name_size;
    let block = |big: f32, small: f32| (big + 2.0 * small) * LEADING;
    let avail = (height - 2.0 * 2.0).max(1.0);
    if block(big, small) > avail {
        let k = avail / block(big, small);
        big *= k;
        small *= k;
    }
    let lines = [
        (stamp.name, Style::new(big, INK).bold()),
        (stamp.wording, Style::new(small, ACCENT)),
        (stamp.when, Style::new(small, MUTED)),
    ];
    let mut ops = Vec::new();
    let top = (height - block(big, small)) / 2.0;
    let mut y = top;
    for (text, style) in lines {
        if let Some(mut line) = break_lines(sh, &Rich::new(text, style), f32::MAX / 4.0).into_iter().next() {
            line.height = style.size * LEADING;
            draw_line(line, PAD + bar, y, &mut ops);
        }
        y += style.size * LEADING;
    }
    let rule = Stroke::solid(ACCENT, 1.2);
    ops.push(Op::Line { x1: PAD + 1.0, y1: top + 1.0, x2: PAD + 1.0, y2: y - 1.0, stroke: rule });
    Ok(ops)
}

/// The objects of a stamp's appearance in a box `width` × `height`, numbered from `first`
/// (the form XObject first), its fonts subset from `chain`.
pub fn appearance(
    chain: &FontChain,
    stamp: &Stamp,
    width: f32,
    height: f32,
    first: usize,
) -> Result<Vec<(usize, Vec<u8>)>, StampError> {
    let mut sh = Shaper::new(chain);
    let ops = ops(&mut sh, stamp, width, height)?;
    writer::form_objects(&ops, width, height, chain, first).map_err(|e| StampError::Pdf(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::super::fonts::tests::test_chain;
    use super::*;
    use crate::model::Lang;

    #[test]
    fn a_stamp_stays_inside_its_box() {
        let Some(chain) = test_chain(Lang::ZhCn) else { return };
        let mut sh = Shaper::new(&chain);
        let long = "欧阳娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜";
        for (name, w, h) in [("李娜", 100.0, 38.0), (long, 100.0, 38.0), ("Li Na", 60.0, 20.0)] {
            let stamp = Stamp { name, wording: "数字签名", when: "2024-10-20 08:00 UTC" };
            let ops = ops(&mut sh, &stamp, w, h).unwrap();
            let text: String = ops.iter().filter_map(Op::text).collect();
            assert!(text.contains(name) && text.contains("数字签名"), "{text}");
            for op in &ops {
                let (l, t, r, b) = op.bounds();
                assert!(l >= 0.0 && t >= 0.0 && r <= w + 0.01 && b <= h + 0.01, "{name}: {op:?} outside {w}×{h}");
            }
        }
    }

    #[test]
    fn a_character_no_font_has_is_named() {
        let Some(chain) = test_chain(Lang::ZhCn) else { return };
        let mut sh = Shaper::new(&chain);
        let stamp = Stamp { name: "\u{E000}", wording: "数字签名", when: "" };
        assert!(matches!(ops(&mut sh, &stamp, 100.0, 38.0), Err(StampError::Missing('\u{E000}'))));
    }
}
