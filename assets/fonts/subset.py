"""How seqmix-symbols.woff2 was made (run once; the .woff2 is committed, the build never runs this).

Sources: the npm packages @fontsource/noto-sans-math 5.3.0 (files/noto-sans-math-latin-400-normal.woff2)
and @fontsource/noto-sans-symbols-2 5.3.0 (files/noto-sans-symbols-2-symbols-400-normal.woff2), both
SIL OFL 1.1 (OFL.txt). `npm pack` each, untar, then: pip install fonttools brotli; python3 subset.py M S
"""
import sys
from fontTools import subset
from fontTools.ttLib import TTFont

# The symbols the interface uses that some machines lack (Debian's Chromium draws ⏸ as a box).
MATH = "←→↑↓∂∅∈∘≈≤≥≫⊙⌈⌉‖ℓ"
SYMBOLS = "⏸▶◀✓✗"


def cut(path, chars):
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.hinting = False
    font = TTFont(path)
    sub = subset.Subsetter(options)
    sub.populate(unicodes=[ord(c) for c in chars])
    sub.subset(font)
    return font


math, symbols = cut(sys.argv[1], MATH), cut(sys.argv[2], SYMBOLS)
order = math.getGlyphOrder()
for cp, glyph in symbols.getBestCmap().items():
    name = "sym_%04X" % cp
    math["glyf"].glyphs[name] = symbols["glyf"][glyph]
    math["hmtx"].metrics[name] = symbols["hmtx"].metrics[glyph]
    order.append(name)
    for table in math["cmap"].tables:
        if table.isUnicode():
            table.cmap[cp] = name
math.setGlyphOrder(order)
math["glyf"].glyphOrder = order
math["maxp"].numGlyphs = len(order)
math["hhea"].numberOfHMetrics = len(order)
for tag in ("MATH", "GSUB", "GPOS", "GDEF"):
    if tag in math:
        del math[tag]
# A modified font gets its own name.
for rec in math["name"].names:
    if rec.nameID in (1, 4, 16):
        rec.string = "seqmix symbols"
    if rec.nameID == 6:
        rec.string = "seqmix-symbols"
    if rec.nameID == 3:
        rec.string = "seqmix-symbols;subset of Noto Sans Math and Noto Sans Symbols 2"
math.flavor = "woff2"
math.save("seqmix-symbols.woff2")
