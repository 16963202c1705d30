"""A sealed stream: data of any size encrypted and authenticated in chunks (AES-256-GCM), for
backup archives. Imports no Django.

Layout: MAGIC, a 4-byte header length, the JSON header, then chunks, each a 4-byte length and
its ciphertext. Every chunk is authenticated together with the header; its nonce holds the
chunk's number and whether it is the last one, so chunks cannot be reordered, dropped, or the
stream cut short without the tag check failing. Each stream has its own random salt, hence its
own key (HKDF of the secret), so nonces never repeat under one key.

>>> import io
>>> out = io.BytesIO()
>>> with SealedWriter(out, b"s" * 32, chunk_size=4) as w:
...     _ = w.write(b"hello world")
>>> b"".join(open_sealed(io.BytesIO(out.getvalue()), b"s" * 32))
b'hello world'
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Iterator
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from guazhi.lib.keys import derive, key_id

MAGIC = b"GUAZHI-SEALED\x00v1"
PURPOSE = "guazhi backup v1"
CHUNK_SIZE = 1024 * 1024
_MAX_HEADER = 64 * 1024


class SealedError(Exception):
    """Why a stream cannot be opened; `kind` is "format", "key" or "corrupt"."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def _nonce(prefix: bytes, counter: int, final: bool) -> bytes:
    return prefix + struct.pack(">I", counter) + (b"\x01" if final else b"\x00")


class SealedWriter:
    """A file-like object: what is written to it goes out encrypted to `out`."""

    def __init__(
        self,
        out: IO[bytes],
        secret: bytes,
        *,
        chunk_size: int = CHUNK_SIZE,
        info: dict[str, Any] | None = None,
    ) -> None:
        salt = os.urandom(16)
        self._prefix = os.urandom(7)
        header = {
            "cipher": "AES-256-GCM",
            "chunk_size": chunk_size,
            "salt": salt.hex(),
            "nonce_prefix": self._prefix.hex(),
            "key_id": key_id(secret, PURPOSE),
            **(info or {}),
        }
        header_bytes = json.dumps(header, sort_keys=True).encode()
        self._aad = MAGIC + header_bytes
        self._aead = AESGCM(derive(secret, PURPOSE, salt=salt))
        self._out = out
        self._chunk_size = chunk_size
        self._buffer = bytearray()
        self._counter = 0
        self._closed = False
        out.write(MAGIC + struct.pack(">I", len(header_bytes)) + header_bytes)

    def write(self, data: bytes) -> int:
        self._buffer += data
        while len(self._buffer) > self._chunk_size:
            self._emit(bytes(self._buffer[: self._chunk_size]), final=False)
            del self._buffer[: self._chunk_size]
        return len(data)

    def _emit(self, plain: bytes, *, final: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._prefix, self._counter, final), plain, self._aad)
        self._out.write(struct.pack(">I", len(sealed)) + sealed)
        self._counter += 1

    def close(self) -> None:
        if not self._closed:
            self._emit(bytes(self._buffer), final=True)
            self._buffer.clear()
            self._closed = True

    def __enter__(self) -> SealedWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.close()


def read_header(source: IO[bytes]) -> tuple[dict[str, Any], bytes]:
    magic = source.read(len(MAGIC))
    if magic != MAGIC:
        raise SealedError("format", "这不是本系统的备份文件（文件头不符）。")
    raw_length = source.read(4)
    if len(raw_length) != 4 or (length := struct.unpack(">I", raw_length)[0]) > _MAX_HEADER:
        raise SealedError("corrupt", "备份文件已损坏：文件头长度不对。")
    header_bytes = source.read(length)
    try:
        header = json.loads(header_bytes)
        bytes.fromhex(header["salt"])
        bytes.fromhex(header["nonce_prefix"])
    except (ValueError, KeyError, TypeError):
        raise SealedError("corrupt", "备份文件已损坏：文件头无法解析。") from None
    return header, MAGIC + header_bytes


def open_sealed(source: IO[bytes], secret: bytes) -> Iterator[bytes]:
    """Yield the plaintext chunk by chunk; raise SealedError at the first chunk that fails.
    Nothing yielded may be trusted as complete until the generator finishes."""
    header, aad = read_header(source)
    mine = key_id(secret, PURPOSE)
    if header.get("key_id") != mine:
        raise SealedError(
            "key",
            f"该备份是用另一个密钥加密的（备份的密钥标识 {header.get('key_id')}，"
            f"当前密钥标识 {mine}）：请用备份时的密钥（--key-file）。",
        )
    aead = AESGCM(derive(secret, PURPOSE, salt=bytes.fromhex(header["salt"])))
    prefix = bytes.fromhex(header["nonce_prefix"])
    counter = 0
    pending = _read_chunk(source, counter)
    while pending is not None:
        following = _read_chunk(source, counter + 1)
        final = following is None
        try:
            yield aead.decrypt(_nonce(prefix, counter, final), pending, aad)
        except InvalidTag:
            raise SealedError(
                "corrupt",
                f"备份文件已损坏或不完整：第 {counter + 1} 块数据校验失败（被改动、截断或拼接）。",
            ) from None
        pending, counter = following, counter + 1
    if counter == 0:
        raise SealedError("corrupt", "备份文件不完整：没有任何数据块。")


def _read_chunk(source: IO[bytes], counter: int) -> bytes | None:
    raw_length = source.read(4)
    if not raw_length:
        return None
    if len(raw_length) != 4:
        raise SealedError("corrupt", f"备份文件不完整：第 {counter + 1} 块被截断。")
    (length,) = struct.unpack(">I", raw_length)
    data = source.read(length)
    if len(data) != length:
        raise SealedError("corrupt", f"备份文件不完整：第 {counter + 1} 块被截断。")
    return data


class SealedReader:
    """A read()-able view of the plaintext, for tarfile's stream mode."""

    def __init__(self, source: IO[bytes], secret: bytes) -> None:
        self._chunks = open_sealed(source, secret)
        self._buffer = bytearray()
        self._done = False

    def read(self, size: int = -1) -> bytes:
        while not self._done and (size < 0 or len(self._buffer) < size):
            try:
                self._buffer += next(self._chunks)
            except StopIteration:
                self._done = True
        if size < 0:
            size = len(self._buffer)
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def drain(self) -> None:
        """Read to the end, so that every chunk's tag (and the final flag) is checked."""
        while self.read(CHUNK_SIZE):
            pass
