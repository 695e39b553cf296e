//! The fonts compiled into the binary: subsets of Noto Sans CJK (SIL Open Font License
//! 1.1, `fonts/LICENSE-OFL.txt`) made by `fonts/make-subsets.py` from Debian's
//! fonts-noto-cjk 1:20220127+repack1-1. Generated: do not edit; run the script again instead.
//! The SHA-256 of each file is written here so that no run has to hash a font.

/// One bundled face: file name, family, style, SHA-256 of the file, the file.
pub struct BundledFace {
    pub file: &'static str,
    pub family: &'static str,
    pub bold: bool,
    pub sha256: &'static str,
    pub data: &'static [u8],
}

/// The faces, Regular and Bold of SC then of TC.
pub static FACES: &[BundledFace] = &[
    BundledFace {
        file: "NotoSansCJKsc-Regular-subset.otf",
        family: "Noto Sans CJK SC",
        bold: false,
        sha256: "b0b85c6b233038b79f4a0d3e7e87b0434842a7ef2ae4deddddef8c4e87201b8d",
        data: include_bytes!("../../../fonts/NotoSansCJKsc-Regular-subset.otf"),
    },
    BundledFace {
        file: "NotoSansCJKsc-Bold-subset.otf",
        family: "Noto Sans CJK SC",
        bold: true,
        sha256: "73c40c2db9c1e4afa920b4f59c967a81d104608e0bf7356f9111a335e06e906d",
        data: include_bytes!("../../../fonts/NotoSansCJKsc-Bold-subset.otf"),
    },
    BundledFace {
        file: "NotoSansCJKtc-Regular-subset.otf",
        family: "Noto Sans CJK TC",
        bold: false,
        sha256: "4b5da5d7fe44baaf11b520c6f22cfad58085c8750fcc853253324c6514e999da",
        data: include_bytes!("../../../fonts/NotoSansCJKtc-Regular-subset.otf"),
    },
    BundledFace {
        file: "NotoSansCJKtc-Bold-subset.otf",
        family: "Noto Sans CJK TC",
        bold: true,
        sha256: "6bd1ff92caaf112d77686e043d004386f437f1036bd6d5656ce4794d3b896ac4",
        data: include_bytes!("../../../fonts/NotoSansCJKtc-Bold-subset.otf"),
    },
];
