"""The sealed stream behind backups: round trip at chunk boundaries; any change, reordering,
truncation or another key is refused."""

from __future__ import annotations

import io
import struct

import pytest

from guazhi.lib.sealed import MAGIC, SealedError, SealedWriter, open_sealed

SECRET = b"s" * 32


def _seal(data: bytes, chunk_size: int = 8) -> bytes:
    out = io.BytesIO()
    with SealedWriter(out, SECRET, chunk_size=chunk_size) as writer:
        writer.write(data)
    return out.getvalue()


def _open(blob: bytes, secret: bytes = SECRET) -> bytes:
    return b"".join(open_sealed(io.BytesIO(blob), secret))


@pytest.mark.parametrize("size", [0, 1, 7, 8, 9, 16, 100])
def test_round_trip(size):
    data = bytes(range(256))[:size]
    assert _open(_seal(data)) == data


def _chunks(blob: bytes) -> tuple[bytes, list[bytes]]:
    (header_length,) = struct.unpack(">I", blob[len(MAGIC) : len(MAGIC) + 4])
    start = len(MAGIC) + 4 + header_length
    head, rest, chunks = blob[:start], blob[start:], []
    while rest:
        (n,) = struct.unpack(">I", rest[:4])
        chunks.append(rest[: 4 + n])
        rest = rest[4 + n :]
    return head, chunks


def test_every_flipped_byte_is_refused():
    blob = _seal(b"a secret roster of cadres")
    for i in range(len(blob)):
        damaged = bytearray(blob)
        damaged[i] ^= 0x40
        with pytest.raises(SealedError):
            _open(bytes(damaged))


def test_reordered_dropped_or_cut_chunks_are_refused():
    head, chunks = _chunks(_seal(b"0123456789abcdefghij"))
    assert len(chunks) == 3
    for variant in (
        [chunks[1], chunks[0], chunks[2]],
        [chunks[0], chunks[2]],
        chunks[:2],  # cut at a chunk boundary: the last chunk is not marked final
    ):
        with pytest.raises(SealedError, match="校验失败"):
            _open(head + b"".join(variant))


def test_another_key_is_named():
    with pytest.raises(SealedError, match="另一个密钥") as caught:
        _open(_seal(b"x"), b"t" * 32)
    assert caught.value.kind == "key"
