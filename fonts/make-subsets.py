#!/usr/bin/env python3
"""Makes the fonts compiled into dossier (src/render/pdf/bundled.rs) from Debian's
fonts-noto-cjk package, reproducibly: the same package and fontTools give the same bytes.

    apt-get install fonts-noto-cjk && pip install fonttools==4.*
    python3 fonts/make-subsets.py        # writes fonts/*.otf and src/render/pdf/bundled.rs

Each subset keeps, of one face of Noto Sans CJK (Regular or Bold):
- SC faces: every character of GB 2312 (its symbols and the 6763 hanzi of both levels);
  TC faces: Big5's symbols and its 5401 common characters (level 1, A440-C67E). A chain
  holds both scripts, its own first, so together they cover GB 2312 and common Big5;
- CJK punctuation, full-width forms, Latin (ASCII, Latin-1, Latin Extended-A), general
  punctuation, arrows, shapes and the other symbols the documents draw;
- every non-ASCII character written in dossier's own source (labels, messages, marks), so
  whatever the tool writes itself always has a glyph.
Layout tables are dropped (the PDF engine places glyphs by their advances) and the
subset is marked with the source package's version in its name table.
"""
import hashlib
import os
import pathlib
import subprocess
import sys

import fontTools
from fontTools import subset
from fontTools.ttLib import TTCollection

ROOT = pathlib.Path(__file__).resolve().parent.parent
SRC = pathlib.Path(os.environ.get("NOTO_CJK_DIR", "/usr/share/fonts/opentype/noto"))
OUT = ROOT / "fonts"
# (output file, source collection, face index in the collection, script)
FACES = [
    ("NotoSansCJKsc-Regular-subset.otf", "NotoSansCJK-Regular.ttc", 2, "sc"),
    ("NotoSansCJKsc-Bold-subset.otf", "NotoSansCJK-Bold.ttc", 2, "sc"),
    ("NotoSansCJKtc-Regular-subset.otf", "NotoSansCJK-Regular.ttc", 3, "tc"),
    ("NotoSansCJKtc-Bold-subset.otf", "NotoSansCJK-Bold.ttc", 3, "tc"),
]


def double_byte(codec, lead, trail):
    out = set()
    for a in lead:
        for b in trail:
            try:
                s = bytes([a, b]).decode(codec)
            except UnicodeDecodeError:
                continue
            out.update(s)
    return out


def characters(script):
    chars = set(range(0x20, 0x7F)) | set(range(0xA0, 0x180))
    ranges = [
        (0x2000, 0x206F),  # general punctuation: – — ‘ ’ “ ” • … ‰ ※
        (0x2100, 0x218F),  # letterlike, number forms: ℃ № Ⅰ Ⅱ
        (0x2190, 0x21FF),  # arrows
        (0x2200, 0x22FF),  # mathematical operators: ≤ ≥ × ÷
        (0x2460, 0x24FF),  # enclosed numbers: ① ②
        (0x2500, 0x25FF),  # box drawing, shapes: ■ □ ▲ ● ○ ◆
        (0x2600, 0x26FF),  # symbols: ★ (Noto Sans CJK has no ☐ ☑ ☒: the PDF writer draws them)
        (0x2700, 0x27BF),  # dingbats: ✓ ✗
        (0x3000, 0x303F),  # CJK punctuation: 、 。 《 》 「 」
        (0x3200, 0x32FF),  # enclosed CJK: ㈠ ㊣
        (0xFE30, 0xFE4F),  # CJK compatibility forms
        (0xFF00, 0xFFEF),  # full-width and half-width forms
    ]
    for a, b in ranges:
        chars |= set(range(a, b + 1))
    big5_trail = list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF))
    if script == "sc":
        # GB 2312: symbols (rows 1-9) and the 6763 hanzi of levels 1 and 2.
        han = double_byte("gb2312", range(0xA1, 0xF8), range(0xA1, 0xFF))
    else:
        # Big5: symbols (A140-A3BF) and the 5401 common characters (A440-C67E).
        han = {c for c in double_byte("big5", range(0xA1, 0xC7), big5_trail) if ord(c) != 0xFFFD}
        han = {c for c in han if c.encode("big5") < bytes([0xC6, 0x7F])}
    chars |= {ord(c) for c in han}
    # Whatever dossier writes itself: every non-ASCII character of its source and templates.
    for folder in ("src", "templates"):
        for p in sorted((ROOT / folder).rglob("*")):
            if p.suffix in (".rs", ".html", ".css") and p.name != "bundled.rs":
                chars |= {ord(c) for c in p.read_text(encoding="utf-8") if ord(c) > 0x7E}
    return sorted(chars)


def make(out, source, index, unicodes, version):
    collection = TTCollection(str(SRC / source))
    font = collection.fonts[index]
    opts = subset.Options()
    opts.layout_features = []
    opts.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "JSTF", "VORG", "vhea", "vmtx", "DSIG"]
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.notdef_outline = True
    opts.recalc_timestamp = False
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=unicodes)
    sub.subset(font)
    # The subset says what it is, so `pdffonts` and the manifest tell it from the full font.
    for rec in font["name"].names:
        if rec.nameID == 5:
            rec.string = f"{rec.toUnicode()}; dossier subset of fonts-noto-cjk {version}"
    # The source's own modification date, not the clock: the same input gives the same bytes.
    font.recalcTimestamp = False
    font.save(str(OUT / out))
    data = (OUT / out).read_bytes()
    return data, font["name"].getDebugName(1), font["name"].getDebugName(2)


def main():
    version = os.environ.get("NOTO_CJK_VERSION") or subprocess.run(
        ["dpkg-query", "-W", "-f=${Version}", "fonts-noto-cjk"], capture_output=True, text=True
    ).stdout.strip() or "unknown"
    rows = []
    for out, source, index, script in FACES:
        unicodes = characters(script)
        data, family, style = make(out, source, index, unicodes, version)
        sha = hashlib.sha256(data).hexdigest()
        rows.append((out, family, style, sha, len(data)))
        print(f"{out}: {family} {style}, {len(unicodes)} characters, {len(data)} bytes, sha256 {sha}", file=sys.stderr)
    total = sum(r[4] for r in rows)
    print(f"{total} bytes in all", file=sys.stderr)
    lines = [
        "//! The fonts compiled into the binary: subsets of Noto Sans CJK (SIL Open Font License",
        "//! 1.1, `fonts/LICENSE-OFL.txt`) made by `fonts/make-subsets.py` from Debian's",
        f"//! fonts-noto-cjk {version} with fontTools {fontTools.version}. Generated: do not edit;",
        "//! run the script again instead.",
        "//! The SHA-256 of each file is written here so that no run has to hash a font.",
        "",
        "/// One bundled face: file name, family, style, SHA-256 of the file, the file.",
        "pub struct BundledFace {",
        "    pub file: &'static str,",
        "    pub family: &'static str,",
        "    pub bold: bool,",
        "    pub sha256: &'static str,",
        "    pub data: &'static [u8],",
        "}",
        "",
        "/// The faces, Regular and Bold of SC then of TC.",
        "pub static FACES: &[BundledFace] = &[",
    ]
    for out, family, style, sha, _ in rows:
        lines += [
            "    BundledFace {",
            f'        file: "{out}",',
            f'        family: "{family}",',
            f"        bold: {'true' if style == 'Bold' else 'false'},",
            f'        sha256: "{sha}",',
            f'        data: include_bytes!("../../../fonts/{out}"),',
            "    },",
        ]
    lines += ["];", ""]
    (ROOT / "src/render/pdf/bundled.rs").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
