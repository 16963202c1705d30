"""Any text at all: no exception, offsets inside the text, spans in order."""

import random

from guazhi.claims import extract

ALPHABET = (
    "0123456789０１２３４５６７８９.,，．%％～~—-－至到 零〇一二两三四五六七八九十百千万亿点分之翻番"
    "个家户人次台（）()元亩年月日第是、余多约近超过以上左右“”〔〕号企业村\n"
)


def test_random_text_never_breaks_the_scanner():
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 40)))
        claims = extract(text, counted=rng.random() < 0.2)
        last_end = 0
        for claim in claims:
            assert 0 <= claim.start < claim.end <= len(text)
            assert text[claim.start : claim.end] == claim.text
            assert claim.start >= last_end
            last_end = claim.end
