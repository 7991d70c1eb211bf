#!/usr/bin/env python3
"""Writes unrelated.tsv: 500 short notes on 25 themes that none of precision.tsv's
queries is about, for the precision part of tst_retrieval. Deterministic (a
fixed seed), so the file is reproducible: python3 make_unrelated.py > unrelated.tsv

The notes share the everyday words of any corpus ("often", "keep", "start",
"new", "water"...) with the queries on purpose: a result that matches a query
only through such a word is the noise the precision test catches."""
import random

THEMES = {
    "furniture": "veneer dovetail walnut varnish chisel drawer hinge lacquer oak joinery cabinet sanding",
    "shipping": "container freight pallet customs port vessel manifest berth crane tariff cargo logistics",
    "opera": "soprano aria libretto overture tenor orchestra stage baritone chorus verdi premiere conductor",
    "birdwatching": "warbler binoculars heron plumage migration sparrow wetland hide falcon nest owl feather",
    "medieval": "castle knight feudal abbey manor serf crusade chronicle monastery siege keep banner",
    "weaving": "loom warp weft shuttle tapestry yarn heddle linen pattern dye spindle fibre",
    "typography": "serif kerning glyph typeface leading ligature baseline font ascender italic grid margin",
    "beekeeping-tools": "smoker veil frame extractor suit hive tool apiary gloves brush queen excluder",
    "railways": "locomotive signal timetable platform carriage junction gauge sleeper freight depot steam track",
    "pottery": "clay kiln glaze wheel slip bisque stoneware porcelain trimming firing kiln throwing",
    "perfume": "fragrance note bergamot musk jasmine vetiver accord sillage amber citrus ambergris vial",
    "sailing": "jib halyard tack keel helm gybe mainsail mooring buoy dinghy rudder winch",
    "law": "contract clause tort plaintiff statute appeal verdict counsel liability precedent court jury",
    "fashion": "runway hemline tailoring silhouette pleat couture fabric seam collar denim trend boutique",
    "architecture": "facade cantilever atrium buttress column vault lintel parapet cornice brutalist arch plan",
    "insurance": "premium deductible policy claim underwriter coverage adjuster broker rider annuity excess insurer",
    "mountaineering": "crampon ascent summit rope belay ridge couloir ice axe altitude sherpa bivouac",
    "theatre": "rehearsal script director prop curtain matinee understudy audition cue backstage usher playwright",
    "retail": "checkout inventory shelf markdown footfall cashier receipt merchandising aisle loyalty stock till",
    "calligraphy": "nib ink stroke brush parchment flourish quill script lettering scroll gilding pen",
    "fishing": "rod reel bait lure trout tackle angler fly cast hook salmon riverbank",
    "jewellery": "gemstone clasp pendant solder bezel sapphire filigree karat ring goldsmith pearl brooch",
    "cinema": "projector reel screenplay cinematography editing premiere montage lens dolly festival director studio",
    "heraldry": "coat arms shield crest motto herald tincture charge lion escutcheon blazon armiger",
    "tailoring": "lapel waistcoat trousers fitting cuff button thread measure pattern shears seamstress needle",
}

# Everyday words, the glue of any note; some of them are in the queries too.
COMMON = ("often keep start new time way good part first need make use work people "
          "day water light long small large place help show every hour week year").split()

TEMPLATES = [
    "The {a} and the {b} {verb} the {c} every {common}.",
    "A good {a} should {verb2} the {b} before the {c}.",
    "Most people {verb2} their {a} with a {b} and some {common}.",
    "In a small {common}, the {a} is {adj} and the {b} is {adj2}.",
    "Experts say the {a} can {verb2} a {b} if the {c} is {adj}.",
    "Every {common}, someone checks the {a}, the {b} and the {c}.",
    "The first {a} was {adj}, but the {b} made it {adj2}.",
    "Keep the {a} near the {b} so the {c} stays {adj}.",
]
VERBS = "shapes supports frames replaces follows marks carries balances".split()
VERBS2 = "inspect polish prepare arrange record measure clean adjust".split()
ADJECTIVES = "careful heavy bright narrow quiet sturdy elegant rare old fine".split()


def note(rng, words):
    sentences = []
    for _ in range(rng.randint(4, 6)):
        a, b, c = rng.sample(words, 3)
        sentences.append(rng.choice(TEMPLATES).format(
            a=a, b=b, c=c, verb=rng.choice(VERBS), verb2=rng.choice(VERBS2),
            adj=rng.choice(ADJECTIVES), adj2=rng.choice(ADJECTIVES), common=rng.choice(COMMON)))
    text = " ".join(sentences)
    return text[0].upper() + text[1:]


def main():
    rng = random.Random(19)
    print("id\ttitle\ttext")
    for theme, vocabulary in THEMES.items():
        words = vocabulary.split()
        for i in range(20):
            print(f"{theme}-{i + 1}\tNotes on {theme} {i + 1}\t{note(rng, words)}")


if __name__ == "__main__":
    main()
