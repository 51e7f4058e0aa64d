"""Text steps of the pipeline: normalise, mask, segment (jieba), MinHash, sentiment.

Plain functions over strings, loaded once per process; no database.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import unicodedata
import zlib
from collections.abc import Sequence
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from community.masking import mask_sensitive

DATA = Path(__file__).resolve().parent / "data"
log = logging.getLogger(__name__)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028-\u202e\ufeff]")
_SPACE = re.compile(r"\s+")
_URL = re.compile(r"https?://\S+", re.IGNORECASE)
# Outside posts may carry numbers that fail the card checksum but are personal all the same:
# any run of 11 or more digits keeps only its last four.
_LONG_NUMBER = re.compile(r"(?<!\d)\d{7,}(\d{4})(?!\d)")
_WORDY = re.compile(r"[\w\u4e00-\u9fff]")
NEGATIONS = frozenset({"不", "没", "没有", "别", "未", "无", "不是", "不会"})
MAX_TEXT = 5000


def clean(text: str) -> str:
    """What is stored: the text as written (Chinese punctuation kept), without control or
    zero-width characters, spaces collapsed."""
    text = _CONTROL.sub("", text or "")
    return _SPACE.sub(" ", text).strip()[:MAX_TEXT]


def normalise(text: str) -> str:
    """What the pipeline reads: NFKC (full-width letters, digits and punctuation become plain)
    of the cleaned text."""
    return clean(unicodedata.normalize("NFKC", text or ""))


def mask(text: str) -> tuple[str, set[str]]:
    """Card, resident ID and mobile numbers masked (community rules), then long digit runs."""
    masked = mask_sensitive(text)
    found = set(masked.found)
    result, count = _LONG_NUMBER.subn(
        lambda m: "*" * (len(m.group(0)) - 4) + m.group(1), masked.text
    )
    if count:
        found.add("number")
    return result, found


def text_hash(normalised: str) -> str:
    """Exact-duplicate key: the text without URLs, spaces and punctuation, lower-cased."""
    core = "".join(_WORDY.findall(_URL.sub("", normalised).lower()))
    return hashlib.sha1(core.encode(), usedforsecurity=False).hexdigest()


@cache
def _tokenizer() -> Any:
    # local: jieba builds its prefix dictionary on first use (about a second); import it then
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.load_userdict(str(DATA / "bank_dict.txt"))
    tokenizer.initialize()
    return tokenizer


def warm_up() -> None:
    """Load the dictionary now (workers call it at start so the first batch is not slow)."""
    _tokenizer()


@cache
def stopwords() -> frozenset[str]:
    return frozenset((DATA / "stopwords.txt").read_text(encoding="utf-8").split())


# jieba cuts a text block by block (runs of Han characters, Latin letters and digits, and the
# runs between them) and each block alone: a block's words do not depend on its neighbours, so
# they are cached per block. Short clauses recur (求助, 怎么回事, 太坑了, a product's name): the
# benchmark prints how often the cache answered.
_BLOCKS = re.compile("([\u4e00-\u9fd5a-zA-Z0-9+#&\\._%\\-]+)")
#: Blocks whose words are kept per worker process (a few MB).
BLOCK_CACHE = 50_000
#: jieba's hidden Markov model finds words missing from the dictionaries (new names, slang), so
#: hot words can show them; it costs about a third of segmentation (docs/performance.md).
HMM = True


def segment(text: str) -> list[str]:
    """Words of ``text``: jieba's precise mode with the bank dictionary, no stop words or
    punctuation, Latin words lower-cased."""
    words: list[str] = []
    for block in _BLOCKS.split(_URL.sub(" ", text)):
        if block:
            words.extend(_block_words(block))
    return words


def _cut_block(block: str) -> tuple[str, ...]:
    stop = stopwords()
    words = []
    for word in _tokenizer().cut(block, HMM=HMM):
        word = word.strip().lower()
        if not word or word in stop or not _WORDY.search(word):
            continue
        words.append(word)
    return tuple(words)


_block_words = lru_cache(maxsize=BLOCK_CACHE)(_cut_block)


def set_block_cache(size: int) -> None:
    """Keep the words of ``size`` blocks (0: none; the benchmark measures both)."""
    global _block_words
    _block_words = lru_cache(maxsize=size)(_cut_block)


def segment_cache_info() -> tuple[int, int]:
    """(hits, misses) of the block cache in this process (the benchmark prints them)."""
    info = _block_words.cache_info()
    return info.hits, info.misses


# MinHash: 32 hash functions (a * h + b over 64-bit words, as datasketch does), fixed seed so
# every worker on every machine computes the same signature.
PERMUTATIONS = 32
BANDS = 8
ROWS = 3  # 8 bands of 3 values: similarity 0.73 shares a band 98% of the time, 0.3 20%
_MERSENNE = np.uint64((1 << 61) - 1)
_rng = np.random.RandomState(20261130)  # nosec B311 - hash family parameters, not security
_A = _rng.randint(1, (1 << 61) - 1, size=PERMUTATIONS, dtype=np.uint64)
_B = _rng.randint(0, (1 << 61) - 1, size=PERMUTATIONS, dtype=np.uint64)
MAX_SHINGLES = 400


def shingles(content: str) -> set[str]:
    """Character 3-grams of the text without URLs, spaces and punctuation."""
    core = "".join(_WORDY.findall(_URL.sub("", content).lower()))
    if len(core) < 3:
        return {core} if core else set()
    return {core[i : i + 3] for i in range(min(len(core) - 2, MAX_SHINGLES))}


def minhash(parts: set[str]) -> np.ndarray:
    """The 32-value MinHash signature (uint32) of a set of shingles."""
    return minhash_batch([parts])[0]


#: Shingles hashed in one numpy pass (32 x this many 64-bit values: 16 MB).
MINHASH_CHUNK = 65_536


def minhash_batch(sets: Sequence[set[str]]) -> np.ndarray:
    """MinHash signatures of many shingle sets at once: one (len(sets), 32) uint32 array, row
    for row equal to :func:`minhash` (an empty set gives zeros). One numpy pass over many posts'
    shingles instead of one small pass per post."""
    out = np.zeros((len(sets), PERMUTATIONS), dtype=np.uint32)
    start = 0
    while start < len(sets):
        end, size = start, 0
        while end < len(sets) and (end == start or size + len(sets[end]) <= MINHASH_CHUNK):
            size += len(sets[end])
            end += 1
        out[start:end] = _minhash_chunk(sets[start:end])
        start = end
    return out


def _minhash_chunk(sets: Sequence[set[str]]) -> np.ndarray:
    out = np.zeros((len(sets), PERMUTATIONS), dtype=np.uint32)
    sizes = np.fromiter((len(s) for s in sets), dtype=np.int64, count=len(sets))
    filled = np.flatnonzero(sizes)
    if not len(filled):
        return out
    hashed = np.fromiter(
        (zlib.crc32(p.encode()) for s in sets for p in s), dtype=np.uint64, count=int(sizes.sum())
    )
    with np.errstate(over="ignore"):
        values = (_A[:, None] * hashed[None, :] + _B[:, None]) % _MERSENNE
    starts = (np.cumsum(sizes) - sizes)[filled]
    minima = np.minimum.reduceat(values, starts, axis=1)
    out[filled] = (minima.T & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    return out


def bands(signature: np.ndarray) -> tuple[int, ...]:
    """Eight 31-bit band keys (three signature values each); compared position by position."""
    raw = signature.tobytes()
    step = ROWS * 4
    return tuple(zlib.crc32(raw[i * step : (i + 1) * step]) & 0x7FFFFFFF for i in range(BANDS))


def similarity(a: bytes | np.ndarray, b: bytes | np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    left = np.frombuffer(a, dtype=np.uint32) if isinstance(a, (bytes, memoryview)) else a
    right = np.frombuffer(b, dtype=np.uint32) if isinstance(b, (bytes, memoryview)) else b
    return float(np.count_nonzero(left == right)) / PERMUTATIONS


@cache
def lexicon() -> dict[str, float]:
    scores: dict[str, float] = {}
    for line in (DATA / "sentiment.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        word, score = line.split("\t")
        scores[word] = float(score)
    return scores


def sentiment(words: list[str]) -> float:
    """From -1 to 1: lexicon scores summed (a negation flips the next scored word), squashed.

    A transparent baseline: docs/listening.md shows how to read it and its limits (irony,
    mixed posts).
    """
    scores = lexicon()
    total = 0.0
    flip = False
    for word in words:
        if word in NEGATIONS:
            flip = True
            continue
        score = scores.get(word)
        if score is not None:
            total += -score if flip else score
        flip = False
    return round(math.tanh(total / 2), 3)
