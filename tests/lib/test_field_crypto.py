"""The value cipher and blind index (guazhi.lib.field_crypto): tokens that differ for equal
values, refuse any change, another place or an unknown key, and open under an old key while a
rotation runs."""

from __future__ import annotations

import base64
import doctest

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guazhi.lib import field_crypto
from guazhi.lib.field_crypto import FieldCryptoError, Keyring, token_key_id

OLD, NEW = b"o" * 32, b"n" * 32
ID = "110105198504129991"


def test_doctests():
    failed, attempted = doctest.testmod(field_crypto)
    assert attempted and not failed


def test_equal_values_give_different_tokens_that_name_the_key():
    ring = Keyring(NEW)
    a, b = ring.encrypt(ID, "t.c"), ring.encrypt(ID, "t.c")
    assert a != b
    assert token_key_id(a) == ring.current_id
    assert ID not in a and ID[-4:] not in a


@given(st.text(min_size=1, max_size=40))
def test_round_trip(value):
    ring = Keyring(NEW)
    assert ring.decrypt(ring.encrypt(value, "t.c"), "t.c") == value


def test_every_flipped_byte_is_refused():
    ring = Keyring(NEW)
    prefix, kid, body = ring.encrypt(ID, "t.c").split("$")
    raw = bytearray(base64.urlsafe_b64decode(body))
    for i in range(len(raw)):
        changed = bytearray(raw)
        changed[i] ^= 0x01
        token = f"{prefix}${kid}${base64.urlsafe_b64encode(bytes(changed)).decode()}"
        with pytest.raises(FieldCryptoError, match="校验失败"):
            ring.decrypt(token, "t.c")


def test_a_token_moved_to_another_column_or_a_plain_value_is_refused():
    ring = Keyring(NEW)
    token = ring.encrypt(ID, "roster_cadre.id_number")
    with pytest.raises(FieldCryptoError, match="校验失败"):
        ring.decrypt(token, "contacts_contact.id_number")
    with pytest.raises(FieldCryptoError, match="不是密文"):
        ring.decrypt(ID, "roster_cadre.id_number")


def test_an_unknown_key_is_named_in_the_error():
    token = Keyring(OLD).encrypt(ID, "t.c")
    with pytest.raises(FieldCryptoError, match="GUAZHI_FIELD_KEY_OLD") as e:
        Keyring(NEW).decrypt(token, "t.c")
    assert token_key_id(token) in str(e.value)


def test_during_a_rotation_old_tokens_open_and_lookups_try_both_keys():
    old_ring = Keyring(OLD)
    ring = Keyring(NEW, old=[OLD])
    assert ring.key_ids == [Keyring(NEW).current_id, old_ring.current_id]
    assert ring.decrypt(old_ring.encrypt(ID, "t.c"), "t.c") == ID
    assert token_key_id(ring.encrypt(ID, "t.c")) == ring.current_id
    assert ring.indexes(ID, "t.c") == [ring.index(ID, "t.c"), old_ring.index(ID, "t.c")]


def test_blind_index_depends_on_key_value_and_place():
    ring = Keyring(NEW)
    digest = ring.index(ID, "t.c")
    assert len(digest) == field_crypto.INDEX_CHARS
    assert digest != Keyring(OLD).index(ID, "t.c")
    assert digest != ring.index(ID[:-1] + "8", "t.c")
    assert ring.index("9991", "t.c") != ring.index("9991", field_crypto.index_context("t.c", 4))
